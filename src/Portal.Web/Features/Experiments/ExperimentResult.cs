using Portal.Analysis.Experiments;
using Portal.Data.Entities.Experiments;

namespace Portal.Web.Features.Experiments;

/// <summary>What the analyzer needs to know about an experiment (from its definition).</summary>
public sealed record AnalysisPlan(
    string ExperimentId,
    IReadOnlyList<ArmPlan> Arms,
    IReadOnlyList<MetricPlan> Metrics,
    double Alpha,
    long RequiredPerVariant,
    int Looks)
{
    public static AnalysisPlan From(Experiment e) => new(
        e.Id,
        e.Arms.OrderBy(a => a.Position).Select(a => new ArmPlan(a.Name, a.ModelVersion, a.Share, a.IsControl, a.IsShadow)).ToList(),
        e.Metrics.OrderBy(m => m.Position).Select(m => new MetricPlan(m.Name, m.Role, m.Kind, m.HigherIsBetter, m.Bound)).ToList(),
        e.Alpha,
        e.RequiredPerVariant,
        e.Looks);
}

public sealed record ArmPlan(string Name, string ModelVersion, double Share, bool IsControl, bool IsShadow = false);

public sealed record MetricPlan(string Name, MetricRole Role, MetricKind Kind, bool HigherIsBetter, double? Bound = null);

/// <summary>One metric's values in one arm: one value per unit (observations) or per prediction; covariates aligned (NaN = none).</summary>
public sealed class MetricSample
{
    public List<double> Values { get; } = [];

    public List<double> Covariates { get; } = [];

    public void Add(double value, double? covariate = null)
    {
        Values.Add(value);
        Covariates.Add(covariate ?? double.NaN);
    }
}

/// <summary>The data of one analysis: samples by metric and arm, shadow pairs by shadow arm, and what did not fit.</summary>
public sealed class ExperimentData
{
    public Dictionary<string, Dictionary<string, MetricSample>> Samples { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, IReadOnlyList<ShadowPair>> ShadowPairs { get; } = new(StringComparer.Ordinal);

    /// <summary>Predictions or observations tagged with a variant that is no live arm: variant → count.</summary>
    public Dictionary<string, long> UnknownVariants { get; } = new(StringComparer.Ordinal);

    public bool IsClassifier { get; set; } = true;

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
public sealed record RecordedLook(int Look, double InformationFraction, double Boundary, double NominalAlpha, double CumulativeAlphaSpent, IReadOnlyDictionary<string, double> ZByArm, bool Final);

/// <summary>The full result of one analysis (stored as JSON, shown on the results page, exported).</summary>
public sealed record ExperimentResult(
    string ExperimentId,
    DateTime At,
    string Verdict,
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
    IReadOnlyList<string> Notes);

/// <summary>Units of the primary metric in a live arm against the planned sample.</summary>
public sealed record ArmCount(string Arm, string ModelVersion, double Share, bool IsControl, long Count, long Required);

public sealed record SrmStatus(double Statistic, double PValue, bool Mismatch, IReadOnlyList<long> Observed, IReadOnlyList<double> Shares);

/// <summary>A metric: its value per arm and each treatment's comparison with control.</summary>
public sealed record MetricResult(
    string Name,
    MetricRole Role,
    MetricKind Kind,
    bool HigherIsBetter,
    double? Bound,
    string Test,
    IReadOnlyList<ArmValue> Values,
    IReadOnlyList<ComparisonResult> Comparisons);

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
    string? Note);

/// <summary>A guardrail in one treatment arm: ok, caution (not yet shown within the bound), breached, or noData.</summary>
public sealed record GuardrailStatus(string Metric, string Arm, MetricKind Kind, double Bound, bool HigherIsBetter, double? ControlValue, double? TreatmentValue, string Status, string Text);

/// <summary>Planned looks, the boundaries so far, and this analysis' look (if it was one).</summary>
public sealed record SequentialStatus(int PlannedLooks, IReadOnlyList<double> PlannedFractions, IReadOnlyList<RecordedLook> Looks, RecordedLook? ThisLook, double? NextLookFraction, long? NextLookUnits);

/// <summary>The verdict of one treatment arm against control (ExperimentVerdicts.Decide).</summary>
public sealed record ArmVerdict(string Arm, string Verdict, IReadOnlyList<string> Reasons, long StillNeededPerVariant, bool PrimarySignificant);

public sealed record ShadowStatus(string Arm, string ModelVersion, ShadowResult Result);

/// <summary>The primary metric of one treatment arm at one analysis: what the lift-over-time chart draws.</summary>
public sealed record PrimaryPoint(string Arm, long N, double? Difference, double? CiLow, double? CiHigh, double? Lift, double? LiftLow, double? LiftHigh, double? Z);
