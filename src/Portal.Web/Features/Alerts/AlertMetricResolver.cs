using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Analysis.Performance;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Jobs;
using Portal.Data.Rollups;
using Portal.Web.Infrastructure;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure.Rollups;
using Portal.Analysis.Slo;
using Portal.Web.Features.Slos;

namespace Portal.Web.Features.Alerts;

/// <summary>
/// Where every alert metric comes from, one small method per metric family. Each answers a series: the metric over
/// the rule's window ending at each step from <c>from</c> to <c>to</c> (a live evaluation is a one-point series), so
/// the preview replays exactly what the evaluation computes. Rollups are read once per call, never raw rows — except
/// AUC, which needs scores with their labels: it is computed from the labelled raw rows of the window (the quality job
/// stores no AUC series on this branch).
/// </summary>
public sealed class AlertMetricResolver(PortalDbContext db)
{
    /// <summary>Labelled rows read at most for one AUC series (the newest are kept).</summary>
    public const int MaxAucRows = 200_000;

    /// <summary>
    /// Longest rule window whose rows <see cref="PreloadAsync"/> reads for every model at once (an hour of a thousand
    /// models' minute rollups is about 60,000 rows); a rule with a longer window reads its own.
    /// </summary>
    public static readonly TimeSpan MaxPreloadWindow = TimeSpan.FromHours(1);

    private MinuteRows<PredictionRollup>? predictionRows;
    private MinuteRows<QualityRollup>? qualityRows;
    private MinuteRows<FeatureRollup>? featureRows;
    private MinuteRows<DriftRun>? driftRuns;
    private SloAlertRules.Preload? sloRows;

    /// <summary>
    /// For a live evaluation at <paramref name="at"/>: reads the rows the rollup, drift-run and SLO metrics of
    /// <paramref name="rules"/> need, for every model at once — one query per table instead of one per rule and model
    /// (a thousand models with three rules and an SLO each made 7,000 queries a cycle). Values are computed from these
    /// rows exactly as from a rule's own query.
    /// </summary>
    public async Task PreloadAsync(IReadOnlyCollection<AlertRuleEntity> rules, DateTimeOffset at, CancellationToken cancellationToken)
    {
        (predictionRows, qualityRows, featureRows, driftRuns, sloRows) = (null, null, null, null, null);
        var to = at.ToUnixTimeMilliseconds();
        long? From(params AlertMetric[] metrics)
        {
            var windows = rules.Where(r => metrics.Contains(r.Metric)).Select(Window).Where(w => w <= MaxPreloadWindow).ToList();
            return windows.Count == 0 ? null : (at - windows.Max() - TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds();
        }

        // The models the rules are about (a rule without a model is about every model).
        var all = rules.Any(r => r.ModelId is null);
        var ids = rules.Where(r => r.ModelId is not null).Select(r => r.ModelId!.Value).Distinct().ToList();

        if (From(AlertMetric.ErrorRate, AlertMetric.LatencyP50, AlertMetric.LatencyP95, AlertMetric.LatencyP99, AlertMetric.RequestRate,
                AlertMetric.LowConfidenceRate, AlertMetric.SchemaViolationRate) is { } predictionsFrom)
        {
            predictionRows = new(predictionsFrom, to, await db.PredictionRollups.AsNoTracking().Where(r => (all || ids.Contains(r.ModelId)) && r.MinuteMs >= predictionsFrom && r.MinuteMs <= to).ToListAsync(cancellationToken), r => r.ModelId, r => r.MinuteMs);
        }

        if (From(AlertMetric.Accuracy, AlertMetric.F1, AlertMetric.Mae, AlertMetric.Rmse) is { } qualityFrom)
        {
            qualityRows = new(qualityFrom, to, await db.QualityRollups.AsNoTracking().Where(r => (all || ids.Contains(r.ModelId)) && r.MinuteMs >= qualityFrom && r.MinuteMs <= to).ToListAsync(cancellationToken), r => r.ModelId, r => r.MinuteMs);
        }

        if (From(AlertMetric.MissingRate, AlertMetric.OutOfRangeRate, AlertMetric.NewCategoryRate) is { } featuresFrom)
        {
            featureRows = new(featuresFrom, to, await db.FeatureRollups.AsNoTracking().Where(r => (all || ids.Contains(r.ModelId)) && r.MinuteMs >= featuresFrom && r.MinuteMs <= to).ToListAsync(cancellationToken), r => r.ModelId, r => r.MinuteMs);
        }

        if (From(AlertMetric.DatasetDriftShare, AlertMetric.PredictionPsi, AlertMetric.PcaReconstructionError, AlertMetric.MmdPValue) is { } driftFrom)
        {
            var (a, b) = (DateTime.UnixEpoch.AddMilliseconds(driftFrom), at.UtcDateTime);
            driftRuns = new(driftFrom, to, await db.DriftRuns.AsNoTracking().Where(r => (all || ids.Contains(r.ModelId)) && r.At >= a && r.At <= b).OrderBy(r => r.At).ToListAsync(cancellationToken),
                r => r.ModelId, r => (long)(r.At - DateTime.UnixEpoch).TotalMilliseconds);
        }

        if (rules.Any(r => r.Metric == AlertMetric.SloBurnRate && r.SloId is not null))
        {
            sloRows = await SloAlertRules.PreloadAsync(db, at, cancellationToken);
        }
    }

    private static TimeSpan Window(AlertRuleEntity rule) => TimeSpan.FromSeconds(Math.Max(60, rule.WindowSeconds));

    public async Task<double?> ValueAsync(AlertRuleEntity rule, MlModel model, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var series = await SeriesAsync(rule, model, at, at, TimeSpan.FromMinutes(1), cancellationToken);
        return series[0].Value;
    }

    /// <summary>One point per <paramref name="step"/> from <paramref name="from"/> to <paramref name="to"/> (both included).</summary>
    public async Task<IReadOnlyList<MetricPoint>> SeriesAsync(
        AlertRuleEntity rule, MlModel model, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        var window = Window(rule);
        var times = new List<DateTimeOffset>();
        for (var t = from; t <= to; t += step)
        {
            times.Add(t);
        }

        var start = from - window - TimeSpan.FromMinutes(1);
        Func<DateTimeOffset, double?> value = rule.Metric switch
        {
            AlertMetric.ErrorRate or AlertMetric.LatencyP50 or AlertMetric.LatencyP95 or AlertMetric.LatencyP99 or AlertMetric.RequestRate
                or AlertMetric.LowConfidenceRate or AlertMetric.SchemaViolationRate
                => Predictions(rule.Metric, await LoadPredictionRollupsAsync(model.Id, start, to, cancellationToken), window),
            AlertMetric.Accuracy or AlertMetric.F1 or AlertMetric.Mae or AlertMetric.Rmse
                => Quality(rule.Metric, await LoadQualityRollupsAsync(model.Id, start, to, cancellationToken), window),
            AlertMetric.MissingRate or AlertMetric.OutOfRangeRate or AlertMetric.NewCategoryRate
                => DataQuality(rule.Metric, await LoadFeatureRollupsAsync(model.Id, start, to, cancellationToken), window),
            AlertMetric.DatasetDriftShare or AlertMetric.PredictionPsi or AlertMetric.PcaReconstructionError or AlertMetric.MmdPValue
                => Drift(rule.Metric, await LoadDriftRunsAsync(model.Id, start, to, cancellationToken), window),
            AlertMetric.FeatureDriftScore
                => FeatureDrift(await db.DriftFeatureResults.AsNoTracking()
                    .Where(r => r.ModelId == model.Id && r.Feature == rule.Feature && r.At >= start.UtcDateTime && r.At <= to.UtcDateTime)
                    .OrderBy(r => r.At).ToListAsync(cancellationToken), window),
            AlertMetric.SloBurnRate when rule.SloId is not null => await SloAlertRules.SeriesAsync(db, rule, from, to, cancellationToken, sloRows),
            AlertMetric.SloBurnRate => await BurnRateAsync(model.Id, window, from, to, cancellationToken),
            AlertMetric.JobFailures => JobFailures(await db.JobRuns.AsNoTracking()
                .Where(r => r.ModelId == model.Id && r.Outcome == JobOutcome.Failed && r.StartedAt >= start.UtcDateTime && r.StartedAt <= to.UtcDateTime)
                .Select(r => r.StartedAt).ToListAsync(cancellationToken), window),
            AlertMetric.PossibleDriftEvents => EventCount(await db.PossibleDriftEvents.AsNoTracking()
                .Where(e => e.ModelId == model.Id && e.At >= start.UtcDateTime && e.At <= to.UtcDateTime)
                .Select(e => e.At).ToListAsync(cancellationToken), window),
            AlertMetric.Auc => Auc(await LoadLabelledScoresAsync(model.Id, start, to, cancellationToken), window),
            AlertMetric.EstimatedAccuracy or AlertMetric.EstimatedF1 or AlertMetric.EstimatedPrecision or AlertMetric.EstimatedRecall or AlertMetric.EstimatedAuc
                => Estimated(rule.Metric, await LoadEstimatesAsync(model.Id, window, start - EstimateLookback, to, cancellationToken), window),
            AlertMetric.FairnessDisparity => Fairness(await LoadFairnessAsync(model.Id, rule.Feature, window, start, to, cancellationToken), window),
            _ => throw new InvalidOperationException($"Unknown metric {rule.Metric}."),
        };

        return times.Select(t => new MetricPoint(t, value(t))).ToList();
    }

    /// <summary>
    /// The minute rows that overlap (t − window, t]: the minute holding t − window is included, because a rollup says
    /// nothing of when in its minute a prediction came — leaving it out would hide a burst late in a minute from a
    /// 1-minute window for good (its minute has ended before the next evaluation, so the rows never count).
    /// </summary>
    private static IEnumerable<T> InWindow<T>(IReadOnlyList<T> rows, Func<T, long> minute, DateTimeOffset t, TimeSpan window)
    {
        var end = t.ToUnixTimeMilliseconds();
        var begin = FirstMinute(t, window);
        return rows.Where(r => minute(r) >= begin && minute(r) <= end);
    }

    /// <summary>The start of the minute that holds t − window (the oldest minute row <see cref="InWindow{T}"/> reads).</summary>
    private static long FirstMinute(DateTimeOffset t, TimeSpan window) => Minute(t - window);

    private Task<List<PredictionRollup>> LoadPredictionRollupsAsync(int modelId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        long a = from.ToUnixTimeMilliseconds(), b = to.ToUnixTimeMilliseconds();
        return predictionRows?.Of(modelId, a, b) is { } rows ? Task.FromResult(rows) : db.PredictionRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= a && r.MinuteMs <= b).ToListAsync(cancellationToken);
    }

    private Task<List<QualityRollup>> LoadQualityRollupsAsync(int modelId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        long a = from.ToUnixTimeMilliseconds(), b = to.ToUnixTimeMilliseconds();
        return qualityRows?.Of(modelId, a, b) is { } rows ? Task.FromResult(rows) : db.QualityRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= a && r.MinuteMs <= b).ToListAsync(cancellationToken);
    }

    private Task<List<FeatureRollup>> LoadFeatureRollupsAsync(int modelId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        long a = from.ToUnixTimeMilliseconds(), b = to.ToUnixTimeMilliseconds();
        return featureRows?.Of(modelId, a, b) is { } rows ? Task.FromResult(rows) : db.FeatureRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= a && r.MinuteMs <= b).ToListAsync(cancellationToken);
    }

    private Task<List<DriftRun>> LoadDriftRunsAsync(int modelId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        driftRuns?.Of(modelId, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()) is { } runs
            ? Task.FromResult(runs)
            : db.DriftRuns.AsNoTracking().Where(r => r.ModelId == modelId && r.At >= from.UtcDateTime && r.At <= to.UtcDateTime).OrderBy(r => r.At).ToListAsync(cancellationToken);

    /// <summary>Rows of every model read once for [FromMs, ToMs], by model; a range it covers is answered from them.</summary>
    private sealed class MinuteRows<T>(long readFromMs, long readToMs, List<T> rows, Func<T, int> model, Func<T, long> atMs)
    {
        private readonly ILookup<int, T> byModel = rows.ToLookup(model);

        public List<T>? Of(int modelId, long fromMs, long toMs) =>
            fromMs >= readFromMs && toMs <= readToMs ? [.. byModel[modelId].Where(r => atMs(r) >= fromMs && atMs(r) <= toMs)] : null;
    }

    /// <summary>Error rate, latency percentiles (from the log-histogram, ±2 %), requests per minute, low-confidence and schema-violation rates.</summary>
    private static Func<DateTimeOffset, double?> Predictions(AlertMetric metric, List<PredictionRollup> rows, TimeSpan window) => t =>
    {
        var w = InWindow(rows, r => r.MinuteMs, t, window).ToList();
        long count = w.Sum(r => r.Count), errors = w.Sum(r => r.Errors);
        return metric switch
        {
            AlertMetric.ErrorRate => Ratio(errors, count),
            // Per minute of the time the rows cover: from their first minute up to t.
            AlertMetric.RequestRate => count / ((t.ToUnixTimeMilliseconds() - FirstMinute(t, window)) / 60_000.0),
            AlertMetric.LowConfidenceRate => Ratio(w.Sum(r => r.LowConfidence), count - errors),
            AlertMetric.SchemaViolationRate => Ratio(w.Sum(r => r.SchemaViolations), count),
            _ => Latency(w, metric switch { AlertMetric.LatencyP50 => 0.5, AlertMetric.LatencyP95 => 0.95, _ => 0.99 }),
        };
    };

    private static double? Latency(List<PredictionRollup> rows, double q)
    {
        var histogram = new LogHistogram();
        foreach (var row in rows)
        {
            histogram.Merge(LogHistogram.FromJson(row.LatencyBuckets));
        }

        return histogram.Quantile(q);
    }

    /// <summary>Accuracy and F1 (positive class "1") or MAE and RMSE from the quality rollups of the predictions' minutes (<see cref="QualityStats"/>).</summary>
    private static Func<DateTimeOffset, double?> Quality(AlertMetric metric, List<QualityRollup> rows, TimeSpan window) => t =>
    {
        var stats = QualityStats.Sum(InWindow(rows, r => r.MinuteMs, t, window));
        return metric switch
        {
            AlertMetric.Accuracy => stats.Accuracy,
            AlertMetric.F1 => stats.F1,
            AlertMetric.Mae => stats.Mae,
            _ => stats.Rmse,
        };
    };

    /// <summary>Missing, out-of-range and new-category rates over every feature of the model.</summary>
    private static Func<DateTimeOffset, double?> DataQuality(AlertMetric metric, List<FeatureRollup> rows, TimeSpan window) => t =>
    {
        var w = InWindow(rows, r => r.MinuteMs, t, window).ToList();
        long present = w.Sum(r => r.Count), missing = w.Sum(r => r.Missing);
        return metric switch
        {
            AlertMetric.MissingRate => Ratio(missing, present + missing),
            AlertMetric.OutOfRangeRate => Ratio(w.Sum(r => r.OutOfRange), present),
            _ => Ratio(w.Sum(r => r.NewCategories), present),
        };
    };

    /// <summary>The latest drift run within the window: dataset drift share, prediction PSI, PCA reconstruction error or MMD p-value.</summary>
    private static Func<DateTimeOffset, double?> Drift(AlertMetric metric, List<DriftRun> runs, TimeSpan window) => t =>
    {
        var run = runs.LastOrDefault(r => r.HasVerdict && r.At <= t.UtcDateTime && r.At > (t - window).UtcDateTime);
        return run is null ? null : metric switch
        {
            AlertMetric.DatasetDriftShare => run.DriftShare,
            AlertMetric.PcaReconstructionError => run.PcaReconstructionError,
            AlertMetric.MmdPValue => run.MmdPValue,
            _ => run.PredictionPsi,
        };
    };

    private static Func<DateTimeOffset, double?> FeatureDrift(List<DriftFeatureResult> results, TimeSpan window) => t =>
        results.LastOrDefault(r => r.Score is not null && r.At <= t.UtcDateTime && r.At > (t - window).UtcDateTime)?.Score;

    /// <summary>
    /// The highest burn rate of the model's enabled SLOs over the burn window nearest the rule's window (5m … 3d), from
    /// the per-minute SLI history (<see cref="SloSliHistory"/>) recorded at each evaluation, so a preview replays it too.
    /// </summary>
    private async Task<Func<DateTimeOffset, double?>> BurnRateAsync(int modelId, TimeSpan window, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var name = SloEvaluator.BurnWindows.MinBy(w => Math.Abs(Math.Log(w.Length.TotalSeconds / window.TotalSeconds))).Name;
        var slos = await db.SloDefinitions.AsNoTracking().Where(d => d.ModelId == modelId && d.Enabled).ToListAsync(cancellationToken);
        var histories = new List<Dictionary<long, IReadOnlyList<BurnRate>>>();
        foreach (var slo in slos)
        {
            histories.Add(await SloSliHistory.ReadAsync(db, slo, Minute(from), Minute(to), cancellationToken));
        }

        return t => histories
            .Select(h => h.TryGetValue(Minute(t), out var rates) ? rates.FirstOrDefault(r => r.Window == name)?.Rate : null)
            .Max();
    }

    private static long Minute(DateTimeOffset t) => RollupAccumulator.MinuteOf(t.ToUnixTimeMilliseconds());

    private static Func<DateTimeOffset, double?> JobFailures(List<DateTime> failures, TimeSpan window) => t =>
        failures.Count(at => at <= t.UtcDateTime && at > (t - window).UtcDateTime);

    /// <summary>Events (e.g. streaming "possible drift" signals) in the window ending at t.</summary>
    private static Func<DateTimeOffset, double?> EventCount(List<DateTime> events, TimeSpan window) => JobFailures(events, window);

    /// <summary>Score and whether the label is the positive class "1", for labelled predictions in the range (newest rows kept).</summary>
    private async Task<List<(long At, double Score, bool Positive)>> LoadLabelledScoresAsync(int modelId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        long a = from.ToUnixTimeMilliseconds(), b = to.ToUnixTimeMilliseconds();
        var rows = await (from p in db.PredictionEvents.AsNoTracking()
                          join l in db.FeedbackLabels.AsNoTracking() on new { p.ModelId, p.PredictionId } equals new { l.ModelId, l.PredictionId }
                          where p.ModelId == modelId && p.TimestampMs >= a && p.TimestampMs <= b && p.Score != null
                          orderby p.TimestampMs descending
                          select new { p.TimestampMs, p.Score, l.Label }).Take(MaxAucRows).ToListAsync(cancellationToken);
        return rows.Select(r => (r.TimestampMs, r.Score!.Value, BinaryLabel.IsPositive(r.Label))).OrderBy(r => r.Item1).ToList();
    }

    private static Func<DateTimeOffset, double?> Auc(List<(long At, double Score, bool Positive)> rows, TimeSpan window) => t =>
    {
        var end = t.ToUnixTimeMilliseconds();
        var begin = end - (long)window.TotalMilliseconds;
        var w = rows.Where(r => r.At > begin && r.At <= end).ToList();
        if (!w.Any(r => r.Positive) || w.All(r => r.Positive))
        {
            return null;
        }

        var labels = w.Select(r => r.Positive ? "1" : "0").ToList();
        return ClassificationMetrics.Binary(labels, labels, w.Select(r => r.Score).ToList()).RocAuc;
    };

    /// <summary>How far back an estimate is still current when the rule's window is shorter (the quality job runs every 15 minutes).</summary>
    private static readonly TimeSpan EstimateLookback = TimeSpan.FromHours(1);

    /// <summary>The quality (and fairness) job's window nearest the rule's window: 1h, 1d or 7d.</summary>
    public static JobWindow QualityWindowFor(TimeSpan window) => window <= TimeSpan.FromHours(4) ? JobWindow.Hour : window <= TimeSpan.FromDays(2) ? JobWindow.Day : JobWindow.Week;

    /// <summary>Estimates (all versions, all segments) stored by the quality job for the job window nearest the rule's window.</summary>
    private Task<List<QualityResult>> LoadEstimatesAsync(int modelId, TimeSpan window, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var name = QualityWindowFor(window);
        return db.QualityResults.AsNoTracking()
            .Where(r => r.ModelId == modelId && r.Window == name && r.Version == "" && r.Segment == "" && r.EstimatedAccuracy != null
                && r.At >= from.UtcDateTime && r.At <= to.UtcDateTime)
            .OrderBy(r => r.At).ToListAsync(cancellationToken);
    }

    /// <summary>The newest estimate computed within the rule's window (or the last hour, if longer) before each point.</summary>
    private static Func<DateTimeOffset, double?> Estimated(AlertMetric metric, List<QualityResult> results, TimeSpan window) => t =>
    {
        var since = (t - (window > EstimateLookback ? window : EstimateLookback)).UtcDateTime;
        var row = results.LastOrDefault(r => r.At <= t.UtcDateTime && r.At > since);
        return row is null ? null : metric switch
        {
            AlertMetric.EstimatedAccuracy => row.EstimatedAccuracy,
            AlertMetric.EstimatedF1 => row.EstimatedF1,
            AlertMetric.EstimatedPrecision => row.EstimatedPrecision,
            AlertMetric.EstimatedRecall => row.EstimatedRecall,
            _ => row.EstimatedRocAuc,
        };
    };

    /// <summary>
    /// Disparity ratios of the fairness window nearest the rule's window (1h, 1d or 7d) for one attribute (null: all).
    /// </summary>
    private async Task<List<FairnessDisparityResult>> LoadFairnessAsync(int modelId, string? attribute, TimeSpan window, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var fairnessWindow = QualityWindowFor(window); // the fairness job runs the quality job's windows
        var query = db.FairnessDisparityResults.AsNoTracking()
            .Where(r => r.ModelId == modelId && r.Window == fairnessWindow && r.Ratio != null && r.At >= from.UtcDateTime && r.At <= to.UtcDateTime);
        if (!string.IsNullOrWhiteSpace(attribute))
        {
            query = query.Where(r => r.Attribute == attribute);
        }

        return await query.OrderBy(r => r.JobRunId).ToListAsync(cancellationToken);
    }

    /// <summary>The lowest disparity ratio (any metric, the attribute's or every attribute's) of the latest fairness run within the window.</summary>
    private static Func<DateTimeOffset, double?> Fairness(List<FairnessDisparityResult> results, TimeSpan window) => t =>
    {
        var inWindow = results.Where(r => r.At <= t.UtcDateTime && r.At > (t - window).UtcDateTime).ToList();
        if (inWindow.Count == 0)
        {
            return null;
        }

        var run = inWindow[^1].JobRunId;
        return inWindow.Where(r => r.JobRunId == run).Min(r => r.Ratio);
    };

    private static double? Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : null;
}
