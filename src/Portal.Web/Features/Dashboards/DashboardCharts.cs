using System.Globalization;
using Portal.Data.Rollups;
using Portal.Web.Features.Ingestion;
using Portal.Web.Components.Charts;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Features.Dashboards;

/// <summary>Maps dashboard data to chart figures (kept apart from the components so it is testable).</summary>
public static class DashboardCharts
{
    public static TimeSeriesFigure Requests(TrafficHealth t) => new(
        t.Times,
        [
            new Series("this week", [.. t.Requests.Select(v => (double?)v)], ChartColors.Primary),
            new Series("same time last week", [.. t.LastWeekRequests.Select(v => (double?)v)], ChartColors.Muted, SeriesStyle.DashedLine),
        ],
        "predictions per bucket");

    public static TimeSeriesFigure ErrorRate(TrafficHealth t) => new(
        t.Times, [new Series("error rate", t.ErrorRates, ChartColors.Bad)], "error rate", ".1%",
        Threshold: StatusRules.ErrorRateRed, ThresholdLabel: "red from 5 %");

    public static TimeSeriesFigure Latency(TrafficHealth t) => new(
        t.Times,
        [
            new Series("p50", t.P50s, ChartColors.Primary),
            new Series("p95", t.P95s, ChartColors.Secondary),
            new Series("p99", t.P99s, ChartColors.Bad),
        ],
        "latency (ms, ±2 %)", Threshold: t.Slo?.BoundMs, ThresholdLabel: t.Slo is { } slo ? $"SLO bound {Number(slo.BoundMs)} ms" : null);

    public static TimeSeriesFigure Accuracy(AccuracyHealth a) => new(
        a.Times,
        [
            new Series(a.Regression ? "MAE" : "accuracy", a.Values, ChartColors.Primary),
            new Series("labelled", [.. a.LabelledPerBucket.Select(v => (double?)v)], ChartColors.Muted, SeriesStyle.Bars, SecondAxis: true),
        ],
        a.Regression ? "MAE" : "accuracy", a.Regression ? null : ".0%",
        Threshold: a.TargetPercent / 100, ThresholdLabel: a.TargetPercent is { } target ? $"SLO {Number(target)} %" : null,
        Y2Title: "labelled", Y2Format: null);

    /// <summary>Class counts per bucket as stacked areas (classifiers); mean predicted value (regression).</summary>
    public static TimeSeriesFigure PredictionDistribution(QualityView q) => q.Regression
        ? new TimeSeriesFigure(q.Times, [new Series("mean predicted value", q.PredictedMeans, ChartColors.Primary)], "predicted value")
        : new TimeSeriesFigure(q.Times, [.. q.Classes.Select((c, i) => new Series(c, [.. q.ClassCounts[i].Select(v => (double?)v)], ChartColors.At(i), SeriesStyle.StackedArea))], "predictions per class");

    /// <summary>Share of scored predictions per confidence bin of width 0.05.</summary>
    public static BarFigure ConfidenceHistogram(QualityView q)
    {
        var labels = Enumerable.Range(0, ScoreHistogram.Bins)
            .Select(i => (i / (double)ScoreHistogram.Bins).ToString("0.00", CultureInfo.InvariantCulture)).ToList();
        var shares = q.ScoreBins.Select(c => q.ScoreCount > 0 ? c / (double)q.ScoreCount : (double?)null).ToList();
        return new BarFigure(labels, [new Series("share of predictions", shares, ChartColors.Primary)], "share", ".0%", "score / confidence (bin start)");
    }

    public static TimeSeriesFigure LowConfidence(QualityView q) => new(
        q.Times, [new Series("low-confidence rate", q.LowConfidenceRates, ChartColors.Secondary)], "low-confidence rate", ".0%");

    /// <summary>Rolling metrics with the label coverage of each point on the second axis.</summary>
    public static TimeSeriesFigure Metrics(QualityView q) => new(
        q.Times,
        [
            .. q.Metrics.Select((m, i) => new Series(m.Name, m.Values, ChartColors.At(i))),
            new Series("label coverage", q.Coverage, ChartColors.Muted, SeriesStyle.DashedLine, SecondAxis: true),
        ],
        q.Regression ? "error" : "metric", q.Regression ? null : ".0%", Y2Title: "label coverage", Y2Format: ".0%");

    /// <summary>
    /// Confusion matrix (binary or multiclass): rows actual classes, columns predicted ones; colour and the percentage are the
    /// share of the row (how predictions of each actual class were spread), the cell shows the count as well.
    /// </summary>
    public static HeatmapFigure ConfusionMatrix(ConfusionMatrix m)
    {
        var n = m.Classes.Count;
        var shares = new double?[n][];
        var text = new string[n][];
        var hover = new string[n][];
        for (var row = 0; row < n; row++)
        {
            var rowTotal = m.RowTotal(row);
            shares[row] = new double?[n];
            text[row] = new string[n];
            hover[row] = new string[n];
            for (var col = 0; col < n; col++)
            {
                var count = m.Counts[row][col];
                var share = rowTotal > 0 ? count / (double)rowTotal : (double?)null;
                shares[row][col] = share;
                var percent = share is { } s ? HealthCards.Percent(s, 1) : "—";
                text[row][col] = count == 0 ? "0" : $"{count.ToString("N0", CultureInfo.InvariantCulture)}<br>{percent}";
                hover[row][col] = $"actual {Html(m.Classes[row])} → predicted {Html(m.Classes[col])}<br>"
                    + $"{count.ToString("N0", CultureInfo.InvariantCulture)} of {rowTotal.ToString("N0", CultureInfo.InvariantCulture)} ({percent} of actual {Html(m.Classes[row])})";
            }
        }

        return new HeatmapFigure(m.Classes, m.Classes, shares, text, "Blues", 0, 1, "predicted class", "actual class", hover);
    }

    /// <summary>Plotly renders hover and cell texts as HTML: class names are user data.</summary>
    private static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>Dataset drift share and prediction PSI per drift run.</summary>
    public static TimeSeriesFigure DriftOverTime(DriftHistory h) => new(
        [.. h.Runs.Select(r => r.At)],
        [
            new Series("drifted share of features", [.. h.Runs.Select(r => r.HasVerdict ? r.DriftShare : (double?)null)], ChartColors.Primary),
            new Series("prediction PSI", [.. h.Runs.Select(r => r.PredictionPsi)], ChartColors.Secondary, SeriesStyle.Line, SecondAxis: true),
        ],
        "drifted share", ".0%", Y2Title: "prediction PSI");

    /// <summary>Feature × run drift strength (1 = threshold), strongest features first.</summary>
    public static HeatmapFigure FeatureDriftOverTime(DriftHistory h)
    {
        var times = h.Runs.Select(r => r.At.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture)).ToList();
        var text = h.Strengths.Select(row => row.Select(v => v is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "").ToArray()).ToArray();
        return new HeatmapFigure(times, h.Features, h.Strengths, text, "YlOrRd", 0, 2, "drift run (UTC)", null);
    }

    /// <summary>Bars of the drift strength of each feature (1 = threshold).</summary>
    public static IReadOnlyList<Drift.DriftCharts.ColumnStrength> FeatureStrengths(IEnumerable<FeatureDriftScore> scores) =>
        Drift.DriftCharts.Strengths(scores.Select(s => (s.Feature, s.Test, s.AdjustedPValue ?? s.Score, s.Threshold, s.Drifted)));

    /// <summary>One series per host of <paramref name="metric"/>.</summary>
    public static TimeSeriesFigure Resource(ResourceView view, ResourceMetric metric)
    {
        var series = view.Hosts
            .Select((h, i) => new Series(h.Host, Values(h, metric), ChartColors.At(i)))
            .Where(s => s.Values.Any(v => v is not null))
            .ToList();
        var (title, format) = metric switch
        {
            ResourceMetric.Cpu => ("CPU %", null as string),
            ResourceMetric.MemoryPercent => ("memory %", null),
            ResourceMetric.MemoryBytes => ("memory (bytes, peak)", ".3s"),
            ResourceMetric.Gpu => ("GPU %", null),
            _ => ("GPU memory (bytes, peak)", ".3s"),
        };
        return new TimeSeriesFigure(view.Times, series, title, format);
    }

    private static double?[] Values(HostSeries h, ResourceMetric metric) => metric switch
    {
        ResourceMetric.Cpu => h.Cpu,
        ResourceMetric.MemoryPercent => h.MemoryPercent,
        ResourceMetric.MemoryBytes => h.MemoryBytes,
        ResourceMetric.Gpu => h.Gpu,
        _ => h.GpuMemoryBytes,
    };

    /// <summary>SVG polyline points for a sparkline of <paramref name="values"/> in a <paramref name="width"/> × <paramref name="height"/> box.</summary>
    public static string SparklinePoints(IReadOnlyList<double> values, double width, double height)
    {
        if (values.Count == 0)
        {
            return "";
        }

        var max = Math.Max(values.Max(), 1e-9);
        var step = values.Count > 1 ? width / (values.Count - 1) : 0;
        return string.Join(' ', values.Select((v, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{i * step:0.#},{height - (v / max * (height - 2)) - 1:0.#}")));
    }

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

public enum ResourceMetric
{
    Cpu,
    MemoryPercent,
    MemoryBytes,
    Gpu,
    GpuMemoryBytes,
}
