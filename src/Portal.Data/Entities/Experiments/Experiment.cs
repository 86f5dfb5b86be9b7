namespace Portal.Data.Entities.Experiments;

/// <summary>Lifecycle of an experiment: Draft → Running → Stopped → Concluded (forward only).</summary>
public enum ExperimentState
{
    Draft,
    Running,
    Stopped,
    Concluded,
}

/// <summary>
/// An A/B experiment between versions of one model, owned by product owners. <see cref="Id"/> is a user-chosen slug
/// (like model names) so clients can hard-code it in assignment and observation calls.
/// </summary>
public sealed class Experiment
{
    public const int IdMaxLength = 64;
    public const int NameMaxLength = 200;
    public const int HypothesisMaxLength = 2000;
    public const int UnitTypeMaxLength = 40;

    public required string Id { get; set; }

    public required string Name { get; set; }

    public string? Hypothesis { get; set; }

    public int ModelId { get; set; }

    public MlModel? Model { get; set; }

    /// <summary>What is randomised: user, session, device, request, …</summary>
    public required string UnitType { get; set; }

    public double Alpha { get; set; } = 0.05;

    public double Power { get; set; } = 0.8;

    /// <summary>Smallest relative change of the primary metric worth detecting (0.05 = 5 %), in the metric's better direction.</summary>
    public double MinimumDetectableEffect { get; set; } = 0.05;

    /// <summary>Expected control value of the primary metric: a rate for conversion-like metrics, a mean otherwise.</summary>
    public double? BaselineValue { get; set; }

    /// <summary>Expected standard deviation of the primary metric (means only).</summary>
    public double? BaselineStdDev { get; set; }

    /// <summary>Planned analyses at equal information fractions (O'Brien–Fleming); 1 = a single look at the planned sample.</summary>
    public int Looks { get; set; } = 5;

    /// <summary>
    /// How the primary metric is read: once at the planned sample, always-valid confidence sequences at every
    /// analysis, or O'Brien–Fleming at <see cref="Looks"/> planned looks. Rows from before the setting existed are
    /// group-sequential (with 1 look that is a fixed horizon), which is how they were analysed.
    /// </summary>
    public ExperimentAnalysisMode AnalysisMode { get; set; } = ExperimentAnalysisMode.GroupSequential;

    /// <summary>The confidence sequences' N* (GrowthBook's <c>sequentialTuningParameter</c>): units, both arms, where they are tightest.</summary>
    public double SequentialTuningParameter { get; set; } = 5000;

    /// <summary>Correction of the secondary metrics' p-values across treatment arms × secondary metrics.</summary>
    public MultipleTestingCorrection Correction { get; set; } = MultipleTestingCorrection.Holm;

    /// <summary>Units per arm the plan needs (from alpha, power, MDE and the baseline); set on every save.</summary>
    public long RequiredPerVariant { get; set; }

    public ExperimentState State { get; set; } = ExperimentState.Draft;

    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? StoppedAt { get; set; }

    public DateTime? ConcludedAt { get; set; }

    /// <summary>The decision recorded when concluding (ship treatment, keep control, …) and why.</summary>
    public string? Conclusion { get; set; }

    public List<ExperimentArm> Arms { get; set; } = [];

    public List<ExperimentMetric> Metrics { get; set; } = [];
}

/// <summary>How an experiment's primary metric is read (see docs/experiments.md).</summary>
public enum ExperimentAnalysisMode
{
    /// <summary>One read at the planned sample; that decision is final.</summary>
    FixedHorizon,

    /// <summary>Always valid: confidence sequences, read at every analysis.</summary>
    Sequential,

    /// <summary>O'Brien–Fleming boundaries at the planned looks.</summary>
    GroupSequential,
}

/// <summary>How p-values of several arms × metrics are corrected.</summary>
public enum MultipleTestingCorrection
{
    /// <summary>Holm–Bonferroni: the family-wise error rate.</summary>
    Holm,

    /// <summary>Benjamini–Hochberg: the false discovery rate.</summary>
    BenjaminiHochberg,
}

/// <summary>One arm: a model version with its share of the traffic. Shadow arms get no traffic (share 0).</summary>
public sealed class ExperimentArm
{
    public const int NameMaxLength = 64;

    public int Id { get; set; }

    public required string ExperimentId { get; set; }

    /// <summary>Order in the form and in the assignment buckets.</summary>
    public int Position { get; set; }

    /// <summary>The variant name clients send ("control", "treatment", …).</summary>
    public required string Name { get; set; }

    public required string ModelVersion { get; set; }

    /// <summary>Percentage of the traffic (all non-shadow arms add up to 100).</summary>
    public double Share { get; set; }

    public bool IsControl { get; set; }

    /// <summary>Scores the same predictions as production without serving them (compared, never assigned).</summary>
    public bool IsShadow { get; set; }
}

/// <summary>Primary (decides the verdict), secondary (reported, Holm-corrected) or guardrail (must stay within a bound).</summary>
public enum MetricRole
{
    Primary,
    Secondary,
    Guardrail,
}

/// <summary>
/// Where a metric comes from. Conversion and Continuous come from observations (POST …/observations); the others
/// from the model's predictions tagged with the experiment (accuracy and absolute error on labelled ones).
/// </summary>
public enum MetricKind
{
    /// <summary>0/1 per unit from observations: a rate, two-proportion test.</summary>
    Conversion,

    /// <summary>A number per unit from observations: a mean, Welch test.</summary>
    Continuous,

    /// <summary>Correct / labelled predictions (classifiers).</summary>
    Accuracy,

    /// <summary>Failed / all predictions.</summary>
    ErrorRate,

    /// <summary>Mean latency of predictions (ms).</summary>
    Latency,

    /// <summary>95th percentile of latency (ms).</summary>
    LatencyP95,

    /// <summary>99th percentile of latency (ms).</summary>
    LatencyP99,

    /// <summary>Mean |prediction − label| of labelled predictions (regression).</summary>
    AbsoluteError,
}

public sealed class ExperimentMetric
{
    public const int NameMaxLength = 64;

    public int Id { get; set; }

    public required string ExperimentId { get; set; }

    public int Position { get; set; }

    /// <summary>Unique in the experiment; observations name it in their "metric" field.</summary>
    public required string Name { get; set; }

    public MetricRole Role { get; set; }

    public MetricKind Kind { get; set; }

    public bool HigherIsBetter { get; set; } = true;

    /// <summary>Guardrails: the value the treatment must stay below (lower is better) or above (higher is better).</summary>
    public double? Bound { get; set; }

    /// <summary>Guardrails: the largest relative degradation against control that is tolerated (0.1 = 10 % worse).</summary>
    public double? Margin { get; set; }

    /// <summary>Winsorisation: each unit's value is capped at this percentile of all units (e.g. 99); null = none.</summary>
    public double? CapPercentile { get; set; }
}

/// <summary>
/// One unit's value of one metric. Unique per (experiment, metric, unit): a repeat replaces the earlier value
/// (last write wins), so retries are idempotent and clients send a unit's running total.
/// </summary>
public sealed class ExperimentObservation
{
    public const int UnitIdMaxLength = 128;

    public long Id { get; set; }

    public required string ExperimentId { get; set; }

    public required string Metric { get; set; }

    public required string UnitId { get; set; }

    public required string Variant { get; set; }

    public double Value { get; set; }

    /// <summary>The unit's pre-experiment value of the metric (CUPED).</summary>
    public double? Covariate { get; set; }

    public DateTime At { get; set; }

    public DateTime ReceivedAt { get; set; }
}

/// <summary>Who moved an experiment from one state to another, and when.</summary>
public sealed class ExperimentLifecycleEvent
{
    public long Id { get; set; }

    public required string ExperimentId { get; set; }

    /// <summary>Null for the creation.</summary>
    public ExperimentState? From { get; set; }

    public ExperimentState To { get; set; }

    public required string By { get; set; }

    public DateTime At { get; set; }

    public string? Note { get; set; }
}

/// <summary>One analysis run: verdict, SRM, sequential look and the full per-metric, per-arm results.</summary>
public sealed class ExperimentAnalysis
{
    public const int VerdictMaxLength = 20;

    public long Id { get; set; }

    public required string ExperimentId { get; set; }

    public DateTime At { get; set; }

    /// <summary>The job run that produced it (null for "Analyse now" from the page).</summary>
    public long? JobRunId { get; set; }

    /// <summary>Stored as ship, revert, keepRunning or stop.</summary>
    public required Portal.Analysis.Experiments.VerdictKind Verdict { get; set; }

    public long StillNeededPerVariant { get; set; }

    public bool SrmMismatch { get; set; }

    public double? SrmPValue { get; set; }

    /// <summary>Share of the planned sample reached by the smallest arm (capped at 1).</summary>
    public double InformationFraction { get; set; }

    /// <summary>The sequential look this analysis was (1-based), or null between looks.</summary>
    public int? Look { get; set; }

    /// <summary>Primary metric per treatment arm (difference, lift, interval, z) for the charts, as JSON.</summary>
    public required string PrimaryJson { get; set; }

    /// <summary>Everything: per metric and arm statistics, guardrails, SRM, boundaries, shadow comparison, reasons.</summary>
    public required string ResultJson { get; set; }

    /// <summary>Digest of the data analysed: an unchanged digest and no new look means nothing to store.</summary>
    public required string DataDigest { get; set; }
}
