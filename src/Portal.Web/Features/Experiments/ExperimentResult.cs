using Portal.Analysis.Experiments;
using Portal.Data.Entities;
using Portal.Data.Entities.Experiments;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Experiments;

/// <summary>What the analyzer needs to know about an experiment (from its definition).</summary>
public sealed record AnalysisPlan(
    string ExperimentId,
    IReadOnlyList<ArmPlan> Arms,
    IReadOnlyList<MetricPlan> Metrics,
    double Alpha,
    long RequiredPerVariant,
    int Looks,
    ExperimentAnalysisMode Mode = ExperimentAnalysisMode.GroupSequential,
    double TuningParameter = ConfidenceSequences.DefaultTuningParameter,
    MultipleTestingCorrection Correction = MultipleTestingCorrection.Holm)
{
    /// <summary>Looks at which the primary metric is read: 1 for a fixed horizon, the plan's for O'Brien–Fleming, none when always valid.</summary>
    public int PlannedLooks => Mode switch
    {
        ExperimentAnalysisMode.FixedHorizon => 1,
        ExperimentAnalysisMode.Sequential => 0,
        _ => Looks,
    };

    public static AnalysisPlan From(Experiment e) => new(
        e.Id,
        e.Arms.OrderBy(a => a.Position).Select(a => new ArmPlan(a.Name, a.ModelVersion, a.Share, a.IsControl, a.IsShadow)).ToList(),
        e.Metrics.OrderBy(m => m.Position).Select(m => new MetricPlan(m.Name, m.Role, m.Kind, m.HigherIsBetter, m.Bound, m.Margin, m.CapPercentile)).ToList(),
        e.Alpha,
        e.RequiredPerVariant,
        e.Looks,
        e.AnalysisMode,
        e.SequentialTuningParameter,
        e.Correction);
}

public sealed record ArmPlan(string Name, string ModelVersion, double Share, bool IsControl, bool IsShadow = false);

/// <summary>A metric of the plan; guardrails have a relative <paramref name="Margin"/> and/or an absolute <paramref name="Bound"/>.</summary>
public sealed record MetricPlan(string Name, MetricRole Role, MetricKind Kind, bool HigherIsBetter, double? Bound = null, double? Margin = null, double? CapPercentile = null);

/// <summary>
/// One metric's values in one arm: one value per unit (observations), per prediction, or — for prediction metrics
/// aggregated per randomisation unit — each unit's sum in <see cref="Values"/> and its number of predictions in
/// <see cref="Denominators"/> (a ratio metric). Covariates aligned with the values (NaN = none).
/// </summary>
public sealed class MetricSample
{
    public List<double> Values { get; } = [];

    public List<double> Covariates { get; } = [];

    /// <summary>Per-unit denominators of a ratio metric (empty otherwise).</summary>
    public List<double> Denominators { get; } = [];

    public bool IsRatio => Denominators.Count > 0;

    public void Add(double value, double? covariate = null)
    {
        Values.Add(value);
        Covariates.Add(covariate ?? double.NaN);
    }

    /// <summary>One unit of a ratio metric: the sum of its predictions' values over its number of predictions.</summary>
    public void AddUnit(double sum, double count)
    {
        Values.Add(sum);
        Covariates.Add(double.NaN);
        Denominators.Add(count);
    }
}

/// <summary>The data of one analysis: samples by metric and arm, shadow pairs by shadow arm, and what did not fit.</summary>
public sealed class ExperimentData
{
    public Dictionary<string, Dictionary<string, MetricSample>> Samples { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, IReadOnlyList<ShadowPair>> ShadowPairs { get; } = new(StringComparer.Ordinal);

    /// <summary>Predictions or observations tagged with a variant that is no live arm: variant → count.</summary>
    public Dictionary<string, long> UnknownVariants { get; } = new(StringComparer.Ordinal);

    /// <summary>The assignment check: what the loader found about units and arms.</summary>
    public AssignmentCheck Assignment { get; set; } = new(0, 0, 0);

    /// <summary>Prediction metrics compared per prediction because the predictions name no unit.</summary>
    public List<string> PerPredictionMetrics { get; } = [];

    /// <summary>A binary model's class texts are read by <see cref="BinaryLabel"/> ("true" is "1").</summary>
    public ModelTaskType TaskType { get; set; } = ModelTaskType.Binary;

    public bool IsClassifier => TaskType != ModelTaskType.Regression;

    public MetricSample Sample(string metric, string arm)
    {
        if (!Samples.TryGetValue(metric, out var arms))
        {
            Samples[metric] = arms = new Dictionary<string, MetricSample>(StringComparer.Ordinal);
        }

        if (!arms.TryGetValue(arm, out var sample))
        {
            arms[arm] = sample = new MetricSample();
        }

        return sample;
    }

    public MetricSample? Find(string metric, string arm) =>
        Samples.TryGetValue(metric, out var arms) && arms.TryGetValue(arm, out var sample) ? sample : null;
}

/// <summary>A sequential look taken by an earlier analysis.</summary>
/// <param name="Look">1-based look number.</param>
/// <param name="InformationFraction">Actual information fraction at the look.</param>
/// <param name="Boundary">The O'Brien–Fleming z boundary of the look.</param>
/// <param name="ZByArm">The primary metric's z per treatment arm at the look.</param>
/// <param name="Final">True when the look was the final one (planned sample reached).</param>
/// <param name="Verdict">The verdict taken at the look (null in rows from before it was recorded); a final look's is kept.</param>
/// <param name="WinningArm">The arm shipped at the look, if any.</param>
public sealed record RecordedLook(
    int Look, double InformationFraction, double Boundary, double NominalAlpha, double CumulativeAlphaSpent, IReadOnlyDictionary<string, double> ZByArm, bool Final,
    VerdictKind? Verdict = null, string? WinningArm = null);

/// <summary>The full result of one analysis (stored as JSON, shown on the results page, exported).</summary>
public sealed record ExperimentResult(
    string ExperimentId,
    DateTime At,
    VerdictKind Verdict,
    string VerdictTitle,
    IReadOnlyList<string> Reasons,
    long StillNeededPerVariant,
    string? WinningArm,
    long RequiredPerVariant,
    double InformationFraction,
    IReadOnlyList<ArmCount> Arms,
    SrmStatus? Srm,
    IReadOnlyList<MetricResult> Metrics,
    IReadOnlyList<GuardrailStatus> Guardrails,
    SequentialStatus Sequential,
    IReadOnlyList<ArmVerdict> ArmVerdicts,
    IReadOnlyList<ShadowStatus> Shadow,
    IReadOnlyList<string> Notes,
    ExperimentAnalysisMode Mode = ExperimentAnalysisMode.GroupSequential,
    string? IntervalMethod = null,
    AssignmentCheck? Assignment = null,
    FinalDecision? Final = null);

/// <summary>
/// Units checked against the hash assignment: <paramref name="Mismatched"/> were recorded in another arm than
/// <see cref="ExperimentAssignment"/> gives them, <paramref name="InTwoArms"/> appear in more than one arm.
/// </summary>
public sealed record AssignmentCheck(long Units, long Mismatched, long InTwoArms)
{
    /// <summary>Above this share of units the verdict carries a warning.</summary>
    public const double WarningShare = 0.01;

    public double Share => Units == 0 ? 0 : (double)(Mismatched + InTwoArms) / Units;

    public bool Warning => Share > WarningShare;
}

/// <summary>The decision of a fixed-horizon (or last group-sequential) look: taken once, kept by later analyses.</summary>
public sealed record FinalDecision(int Look, double InformationFraction, VerdictKind Verdict);

/// <summary>Units of the primary metric in a live arm against the planned sample.</summary>
/// <remarks>Predictions: the predictions behind the units when the primary metric is aggregated per unit.</remarks>
public sealed record ArmCount(string Arm, string ModelVersion, double Share, bool IsControl, long Count, long Required, long? Predictions = null);

/// <remarks>Checked is false until every arm has <see cref="ExperimentAnalyzer.SrmMinimumPerArm"/> units: before that a mismatch cannot stop the experiment.</remarks>
public sealed record SrmStatus(double Statistic, double PValue, bool Mismatch, IReadOnlyList<long> Observed, IReadOnlyList<double> Shares, bool Checked = true);

/// <summary>A metric: its value per arm and each treatment's comparison with control.</summary>
public sealed record MetricResult(
    string Name,
    MetricRole Role,
    MetricKind Kind,
    bool HigherIsBetter,
    double? Bound,
    string Test,
    IReadOnlyList<ArmValue> Values,
    IReadOnlyList<ComparisonResult> Comparisons,
    bool PerUnit = true,
    double? Margin = null,
    double? CapPercentile = null);

/// <summary>An arm's value: a rate, mean or percentile (null without data).</summary>
public sealed record ArmValue(string Arm, long N, double? Value, double? StdDev);

/// <summary>
/// Treatment − control. Lift = difference / control value (its interval: the difference's interval / control value).
/// <see cref="AdjustedPValue"/> is Holm's across the secondary metrics of the arm. <see cref="ChanceToBeatControl"/>
/// and <see cref="ExpectedLoss"/> read "better" in the metric's direction. Null numbers with a <see cref="Note"/> when
/// the comparison is not possible yet.
/// </summary>
public sealed record ComparisonResult(
    string Arm,
    double? Difference,
    double? CiLow,
    double? CiHigh,
    double? Lift,
    double? LiftLow,
    double? LiftHigh,
    double? PValue,
    double? AdjustedPValue,
    double? Z,
    double? ChanceToBeatControl,
    double? ExpectedLoss,
    double? CupedVarianceReduction,
    bool Significant,
    string? Note,
    double? LiftStandardError = null);

/// <summary>A guardrail in one treatment arm: ok, caution (not yet shown within the bound), breached, or noData.</summary>
/// <remarks>
/// RelativeHarm is how much worse than control the treatment is, relative (in the metric's bad direction); HarmLow and
/// HarmHigh are its one-sided always-valid bounds (null without a margin).
/// </remarks>
public sealed record GuardrailStatus(
    string Metric, string Arm, MetricKind Kind, double? Bound, bool HigherIsBetter, double? ControlValue, double? TreatmentValue, string Status, string Text,
    double? Margin = null, double? RelativeHarm = null, double? HarmLow = null, double? HarmHigh = null);

/// <summary>Planned looks, the boundaries so far, and this analysis' look (if it was one).</summary>
public sealed record SequentialStatus(int PlannedLooks, IReadOnlyList<double> PlannedFractions, IReadOnlyList<RecordedLook> Looks, RecordedLook? ThisLook, double? NextLookFraction, long? NextLookUnits);

/// <summary>The verdict of one treatment arm against control (ExperimentVerdicts.Decide).</summary>
public sealed record ArmVerdict(string Arm, VerdictKind Verdict, IReadOnlyList<string> Reasons, long StillNeededPerVariant, bool PrimarySignificant);

public sealed record ShadowStatus(string Arm, string ModelVersion, ShadowResult Result);

/// <summary>The primary metric of one treatment arm at one analysis: what the lift-over-time chart draws.</summary>
public sealed record PrimaryPoint(string Arm, long N, double? Difference, double? CiLow, double? CiHigh, double? Lift, double? LiftLow, double? LiftHigh, double? Z);
