namespace Portal.Data.Entities.Jobs;

/// <summary>
/// Which features of a model are sensitive attributes for the fairness job, and how groups are compared.
/// A model without a row (or with no attributes) has no fairness job.
/// </summary>
public sealed class FairnessSettings
{
    public const int DefaultMinGroupSize = 30;
    public const double DefaultThreshold = 0.8;
    public const int MaxAttributes = 10;

    /// <summary>Primary key: one row per model.</summary>
    public int ModelId { get; set; }

    /// <summary>Feature names (keys of the predictions' features object) whose values form the groups.</summary>
    public List<string> Attributes { get; set; } = [];

    /// <summary>Groups with fewer labelled predictions are shown but left out of the disparity ratios.</summary>
    public int MinGroupSize { get; set; } = DefaultMinGroupSize;

    /// <summary>Disparity ratios below this are flagged (the "four-fifths rule": 0.8).</summary>
    public double Threshold { get; set; } = DefaultThreshold;

    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One group (value of a sensitive attribute) in one window (1h, 1d, 7d by prediction time) of one fairness job run:
/// labelled predictions and a binary classifier's accuracy, selection rate and false-positive rate in it.
/// Query by (ModelId, Window, Attribute, At): the newest run is the current figure, older runs its history.
/// </summary>
public sealed class FairnessGroupResult
{
    public const int WindowMaxLength = 8;
    public const int AttributeMaxLength = 128;
    public const int GroupMaxLength = 128;
    public const int MetricMaxLength = 32;

    public long Id { get; set; }

    public long JobRunId { get; set; }

    public int ModelId { get; set; }

    /// <summary>When the run computed it (the point on "fairness over time").</summary>
    public DateTime At { get; set; }

    public required JobWindow Window { get; set; }

    public DateTime WindowStart { get; set; }

    public DateTime WindowEnd { get; set; }

    public required string Attribute { get; set; }

    /// <summary>The attribute value; "(missing)" for predictions without it.</summary>
    public required string Group { get; set; }

    /// <summary>Labelled predictions of the group that were read (a uniform sample when the window has many).</summary>
    public int Count { get; set; }

    /// <summary>False when the group is smaller than the minimum group size: shown, not compared.</summary>
    public bool IncludedInRatios { get; set; }

    public double Accuracy { get; set; }

    public double SelectionRate { get; set; }

    /// <summary>FP / (FP + TN); null when the group has no negatives.</summary>
    public double? FalsePositiveRate { get; set; }

    /// <summary>TP / (TP + FN); null when the group has no positives.</summary>
    public double? TruePositiveRate { get; set; }
}

/// <summary>min/max of one metric over the compared groups of one attribute, window and run; flagged below the threshold.</summary>
public sealed class FairnessDisparityResult
{
    public long Id { get; set; }

    public long JobRunId { get; set; }

    public int ModelId { get; set; }

    public DateTime At { get; set; }

    public required JobWindow Window { get; set; }

    public required string Attribute { get; set; }

    /// <summary>accuracy, selectionRate, falsePositiveRate or truePositiveRate.</summary>
    public required string Metric { get; set; }

    /// <summary>Null with fewer than two groups large enough to compare.</summary>
    public double? Ratio { get; set; }

    public string? LowestGroup { get; set; }

    public string? HighestGroup { get; set; }

    public bool Flagged { get; set; }

    /// <summary>The threshold the ratio was compared with.</summary>
    public double Threshold { get; set; }
}
