namespace Portal.Data.Entities.Jobs;

/// <summary>
/// Rolling model quality of one window (1h, 1d, 7d by prediction time) for one version and segment, as computed by one
/// quality job run. <see cref="Version"/> and <see cref="Segment"/> are "" for "all". Classification fills accuracy …
/// log loss, regression MAE … MAPE; a metric that cannot be computed (one class only, no scores) is null.
/// Query by (ModelId, Window, Version, Segment, At): the newest row is the current figure, older rows are its history.
/// </summary>
public sealed class QualityResult
{
    public const int WindowMaxLength = 8;
    public const int SegmentMaxLength = 64;
    public const int EstimationNoteMaxLength = 300;

    public long Id { get; set; }

    public long JobRunId { get; set; }

    public int ModelId { get; set; }

    /// <summary>When the run computed it (the point on "quality over time").</summary>
    public DateTime At { get; set; }

    /// <summary>1h, 1d or 7d.</summary>
    public required JobWindow Window { get; set; }

    public DateTime WindowStart { get; set; }

    public DateTime WindowEnd { get; set; }

    /// <summary>Model version, or "" for all versions.</summary>
    public string Version { get; set; } = "";

    /// <summary>Segment, or "" for all segments.</summary>
    public string Segment { get; set; } = "";

    /// <summary>Predictions of the window (and version) that have a label: exact, from the quality rollups for all segments.</summary>
    public long Labelled { get; set; }

    /// <summary>Labelled pairs read from raw rows for the metrics that need them (a uniform sample when there are many).</summary>
    public int SampleSize { get; set; }

    public double? Accuracy { get; set; }

    /// <summary>Binary: of class "1"; multiclass: macro average.</summary>
    public double? Precision { get; set; }

    public double? Recall { get; set; }

    public double? F1 { get; set; }

    public double? RocAuc { get; set; }

    public double? LogLoss { get; set; }

    public double? Mae { get; set; }

    public double? Rmse { get; set; }

    public double? R2 { get; set; }

    /// <summary>Mean absolute percentage error as a fraction (0.08 = 8 %).</summary>
    public double? Mape { get; set; }

    /// <summary>Label delay (label timestamp − prediction timestamp) median and 95th percentile, in milliseconds.</summary>
    public double? LabelDelayP50Ms { get; set; }

    public double? LabelDelayP95Ms { get; set; }
    // Performance estimated without labels (CBPE, binary classifiers with a reference holding score and label columns):
    // from the scores of every prediction of the window, labelled or not. Filled on the all-segment rows; null otherwise.
    // Each band is mean ± 3σ of the estimate over reference chunks of about the window's size.

    public double? EstimatedAccuracy { get; set; }

    public double? EstimatedAccuracyLower { get; set; }

    public double? EstimatedAccuracyUpper { get; set; }

    public double? EstimatedPrecision { get; set; }

    public double? EstimatedPrecisionLower { get; set; }

    public double? EstimatedPrecisionUpper { get; set; }

    public double? EstimatedRecall { get; set; }

    public double? EstimatedRecallLower { get; set; }

    public double? EstimatedRecallUpper { get; set; }

    public double? EstimatedF1 { get; set; }

    public double? EstimatedF1Lower { get; set; }

    public double? EstimatedF1Upper { get; set; }

    public double? EstimatedRocAuc { get; set; }

    public double? EstimatedRocAucLower { get; set; }

    public double? EstimatedRocAucUpper { get; set; }

    // Where the realised metric is expected given the estimate (estimate ± 3σ of the realised metric over the
    // reference chunks, scaled to the window): a realised value outside disagrees with the estimate beyond chance.
    public double? RealisedAccuracyLower { get; set; }

    public double? RealisedAccuracyUpper { get; set; }

    public double? RealisedPrecisionLower { get; set; }

    public double? RealisedPrecisionUpper { get; set; }

    public double? RealisedRecallLower { get; set; }

    public double? RealisedRecallUpper { get; set; }

    public double? RealisedF1Lower { get; set; }

    public double? RealisedF1Upper { get; set; }

    public double? RealisedRocAucLower { get; set; }

    public double? RealisedRocAucUpper { get; set; }

    /// <summary>True when the scores were calibrated (isotonic) before estimating, false when raw scores were used.</summary>
    public bool? EstimationCalibrated { get; set; }

    /// <summary>Scored predictions of the window (the estimate uses a uniform sample of them when there are more than the cap).</summary>
    public int EstimationScores { get; set; }

    /// <summary>
    /// Why there is no estimate (not binary, no usable reference, no scores), or, beside an estimate, what limits it
    /// (no band: reference too small; ŷ = score ≥ 0.5 because the reference has no prediction column); else null.
    /// </summary>
    public string? EstimationNote { get; set; }
}
