using Portal.Web.Components.Charts;
using Portal.Web.Features.Dashboards;

namespace Portal.Web.Features.Fairness;

/// <summary>Maps stored fairness results to what the panel and its chart show (kept apart from the components so it is testable).</summary>
public static class FairnessCharts
{
    /// <summary>One metric's disparity ratio over time; a flagged point (below the threshold) is drawn red.</summary>
    public sealed record Line(string Metric, string Name, string Color, IReadOnlyList<DateTime> Times, IReadOnlyList<double?> Ratios, IReadOnlyList<string> MarkerColors);

    /// <summary>The disparity chart: one line per metric and the threshold as a dashed line.</summary>
    public sealed record DisparityFigure(IReadOnlyList<Line> Lines, double Threshold);

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

        return new DisparityFigure(lines, threshold);
    }

    /// <summary>The fairness window (1h, 1d, 7d) nearest the dashboard's window.</summary>
    public static string WindowFor(DashboardWindow window) =>
        window.Span <= TimeSpan.FromHours(1) ? "1h" : window.Span <= TimeSpan.FromDays(1) ? "1d" : "7d";

    /// <summary>The group to highlight: the lowest group of the smallest disparity ratio (the worst-off group), if any.</summary>
    public static string? LowestGroup(IReadOnlyList<FairnessDisparity> disparities) =>
        disparities.Where(d => d.Ratio is not null).OrderBy(d => d.Ratio).FirstOrDefault()?.LowestGroup;

    /// <summary>The smallest disparity ratio, for the headline.</summary>
    public static FairnessDisparity? Worst(IReadOnlyList<FairnessDisparity> disparities) =>
        disparities.Where(d => d.Ratio is not null).OrderBy(d => d.Ratio).FirstOrDefault();
}
