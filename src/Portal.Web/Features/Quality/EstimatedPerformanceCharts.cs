using Portal.Data.Entities.Jobs;

namespace Portal.Web.Features.Quality;

/// <summary>
/// One metric the panel can show: its estimate and band, the realised value, and where the realised value is expected
/// given the estimate (its own sampling spread) in a quality result.
/// </summary>
public sealed record EstimatedMetric(
    string Key, string Label, Func<QualityResult, double?> Estimate, Func<QualityResult, double?> Lower, Func<QualityResult, double?> Upper,
    Func<QualityResult, double?> Realised, Func<QualityResult, double?> RealisedLower, Func<QualityResult, double?> RealisedUpper);

/// <summary>
/// The estimated metric over time: estimate, its band per point, realised value where labels exist, which points lie
/// outside their band, the range the realised value is expected in given the estimate (where labels exist) and which
/// realised values lie outside it (estimate and realised disagree beyond chance). Null values are gaps.
/// </summary>
public sealed record EstimatedPerformanceFigure(
    string Metric, IReadOnlyList<DateTime> Times, IReadOnlyList<double?> Estimate, IReadOnlyList<double?> Lower, IReadOnlyList<double?> Upper,
    IReadOnlyList<double?> Realised, IReadOnlyList<bool> OutsideBand,
    IReadOnlyList<double?> RealisedLower, IReadOnlyList<double?> RealisedUpper, IReadOnlyList<bool> RealisedDisagrees)
{
    public static readonly EstimatedPerformanceFigure Empty = new("", [], [], [], [], [], [], [], [], []);

    public bool IsEmpty => Estimate.All(v => v is null);
}

/// <summary>The latest estimate of the panel's metric, beside the realised value (and its expected range) and the label coverage.</summary>
public sealed record EstimatedPerformanceSummary(
    double? Estimate, double? Lower, double? Upper, double? Realised, bool OutsideBand, long Labelled, long Scores, double? LabelCoverage,
    string Calibration, DateTime At, double? RealisedLower = null, double? RealisedUpper = null, bool RealisedDisagrees = false);

/// <summary>Maps stored quality results (all segments, one job window, oldest first) to the estimated-performance panel.</summary>
public static class EstimatedPerformanceCharts
{
    public static readonly IReadOnlyList<EstimatedMetric> Metrics =
    [
        new("accuracy", "Accuracy", r => r.EstimatedAccuracy, r => r.EstimatedAccuracyLower, r => r.EstimatedAccuracyUpper, r => r.Accuracy,
            r => r.RealisedAccuracyLower, r => r.RealisedAccuracyUpper),
        new("precision", "Precision", r => r.EstimatedPrecision, r => r.EstimatedPrecisionLower, r => r.EstimatedPrecisionUpper, r => r.Precision,
            r => r.RealisedPrecisionLower, r => r.RealisedPrecisionUpper),
        new("recall", "Recall", r => r.EstimatedRecall, r => r.EstimatedRecallLower, r => r.EstimatedRecallUpper, r => r.Recall,
            r => r.RealisedRecallLower, r => r.RealisedRecallUpper),
        new("f1", "F1", r => r.EstimatedF1, r => r.EstimatedF1Lower, r => r.EstimatedF1Upper, r => r.F1,
            r => r.RealisedF1Lower, r => r.RealisedF1Upper),
        new("auc", "ROC AUC", r => r.EstimatedRocAuc, r => r.EstimatedRocAucLower, r => r.EstimatedRocAucUpper, r => r.RocAuc,
            r => r.RealisedRocAucLower, r => r.RealisedRocAucUpper),
    ];

    /// <summary>The label inside a sentence: "accuracy", but "F1" and "ROC AUC" keep their capitals.</summary>
    public static string Noun(string label) => label == label.ToUpperInvariant() ? label : label.ToLowerInvariant();

    public static EstimatedMetric Metric(string? key) => Metrics.FirstOrDefault(m => m.Key == key) ?? Metrics[0];

    /// <summary>Rows with an estimate, as a figure of <paramref name="metric"/>; realised values only where the row has labels.</summary>
    public static EstimatedPerformanceFigure Figure(IReadOnlyList<QualityResult> rows, EstimatedMetric metric)
    {
        var estimated = rows.Where(r => r.EstimatedAccuracy is not null).ToList();
        return new EstimatedPerformanceFigure(
            metric.Label,
            estimated.Select(r => r.At).ToList(),
            estimated.Select(metric.Estimate).ToList(),
            estimated.Select(metric.Lower).ToList(),
            estimated.Select(metric.Upper).ToList(),
            estimated.Select(r => r.Labelled > 0 ? metric.Realised(r) : null).ToList(),
            estimated.Select(r => Outside(metric.Estimate(r), metric.Lower(r), metric.Upper(r))).ToList(),
            estimated.Select(r => r.Labelled > 0 ? metric.RealisedLower(r) : null).ToList(),
            estimated.Select(r => r.Labelled > 0 ? metric.RealisedUpper(r) : null).ToList(),
            estimated.Select(r => r.Labelled > 0 && Outside(metric.Realised(r), metric.RealisedLower(r), metric.RealisedUpper(r))).ToList());
    }

    /// <summary>The newest row with an estimate, or null when there is none.</summary>
    public static EstimatedPerformanceSummary? Summary(IReadOnlyList<QualityResult> rows, EstimatedMetric metric)
    {
        var r = rows.LastOrDefault(x => x.EstimatedAccuracy is not null);
        if (r is null)
        {
            return null;
        }

        var estimate = metric.Estimate(r);
        return new EstimatedPerformanceSummary(
            estimate, metric.Lower(r), metric.Upper(r), r.Labelled > 0 ? metric.Realised(r) : null, Outside(estimate, metric.Lower(r), metric.Upper(r)),
            r.Labelled, r.EstimationScores, r.EstimationScores > 0 ? Math.Min(1, (double)r.Labelled / r.EstimationScores) : null,
            r.EstimationCalibrated == true ? "isotonic" : "raw scores", r.At,
            r.Labelled > 0 ? metric.RealisedLower(r) : null, r.Labelled > 0 ? metric.RealisedUpper(r) : null,
            r.Labelled > 0 && Outside(metric.Realised(r), metric.RealisedLower(r), metric.RealisedUpper(r)));
    }

    /// <summary>The job's note on the newest row: why it has no estimate, or what limits it (no band, ŷ = score ≥ 0.5).</summary>
    public static string? Note(IReadOnlyList<QualityResult> rows) => rows.LastOrDefault()?.EstimationNote;

    private static bool Outside(double? value, double? lower, double? upper) =>
        value is { } v && ((lower is { } l && v < l) || (upper is { } u && v > u));
}
