using Portal.Data.Entities.Jobs;
using Portal.Web.Components.Charts;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Features.Fairness;

/// <summary>Maps stored fairness results to what the panel and its chart show (kept apart from the components so it is testable).</summary>
public static class FairnessCharts
{
    /// <summary>One metric's disparity ratio over time; a flagged point (below the threshold) is drawn red.</summary>
    public sealed record Line(string Metric, string Name, string Color, IReadOnlyList<DateTime> Times, IReadOnlyList<double?> Ratios, IReadOnlyList<string> MarkerColors);

    /// <summary>
    /// The disparity chart: one line per metric and the threshold as a dashed line. <paramref name="XRange"/> is set when
    /// all points fall within a minute (one run so far), so the axis shows an hour around them rather than milliseconds.
    /// </summary>
    public sealed record DisparityFigure(IReadOnlyList<Line> Lines, double Threshold, (DateTime From, DateTime To)? XRange = null);

    /// <summary>The metrics the chart draws, with their labels and colours.</summary>
    public static readonly IReadOnlyList<(string Metric, string Name, string Color)> ChartedMetrics =
    [
        ("accuracy", "accuracy", ChartColors.Primary),
        ("selectionRate", "selection rate", ChartColors.Secondary),
        ("falsePositiveRate", "false-positive rate", "#1565c0"),
    ];

    public static string MetricName(string metric) => metric switch
    {
        "accuracy" => "accuracy",
        "selectionRate" => "selection rate",
        "falsePositiveRate" => "false-positive rate",
        "truePositiveRate" => "true-positive rate",
        _ => metric,
    };

    public static DisparityFigure Disparities(IEnumerable<FairnessPoint> history, double threshold)
    {
        var points = history.ToList();
        var lines = new List<Line>();
        foreach (var (metric, name, color) in ChartedMetrics)
        {
            var series = points.Where(p => p.Metric == metric).OrderBy(p => p.At).ToList();
            if (series.Count == 0)
            {
                continue;
            }

            lines.Add(new Line(metric, name, color, series.Select(p => p.At).ToList(), series.Select(p => p.Ratio).ToList(),
                series.Select(p => p.Flagged ? ChartColors.Bad : color).ToList()));
        }

        var times = lines.SelectMany(l => l.Times).ToList();
        var range = TimeAxis.AroundSinglePoint(times);
        return new DisparityFigure(lines, threshold, range);
    }

    /// <summary>The fairness window (1h, 1d, 7d) nearest the dashboard's window.</summary>
    public static JobWindow WindowFor(DashboardWindow window) => JobWindows.Nearest(window.Span);

    /// <summary>Per metric with a ratio: the group with the lowest value (highlighted in the table) and whether the ratio is flagged.</summary>
    public static IReadOnlyDictionary<string, FairnessDisparity> LowestByMetric(IReadOnlyList<FairnessDisparity> disparities) =>
        disparities.Where(d => d.Ratio is not null && d.LowestGroup is not null).ToDictionary(d => d.Metric, StringComparer.Ordinal);
}
