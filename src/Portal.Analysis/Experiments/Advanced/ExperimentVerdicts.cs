using System.Globalization;
using System.Text.Json.Serialization;
using Portal.Analysis.Common;

namespace Portal.Analysis.Experiments;

/// <summary>What to do with an experiment. Its name (<see cref="VerdictNames"/>) is what the REST API and the database carry.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VerdictKind>))]
public enum VerdictKind
{
    /// <summary>The primary metric improved significantly and nothing blocks it: roll out the treatment.</summary>
    [JsonStringEnumMemberName("ship")]
    Ship,

    /// <summary>The primary metric got significantly worse, or showed no effect at the planned sample: keep control.</summary>
    [JsonStringEnumMemberName("revert")]
    Revert,

    /// <summary>Not enough evidence yet: collect more data (see the sample still needed).</summary>
    [JsonStringEnumMemberName("keepRunning")]
    KeepRunning,

    /// <summary>A guardrail breach or a sample-ratio mismatch: stop and investigate; no effect verdict is given.</summary>
    [JsonStringEnumMemberName("stop")]
    Stop,
}

/// <summary>The wire and stored names of <see cref="VerdictKind"/> (ship, revert, keepRunning, stop).</summary>
public static class VerdictNames
{
    public static string Name(VerdictKind kind) => kind switch
    {
        VerdictKind.Ship => "ship",
        VerdictKind.Revert => "revert",
        VerdictKind.Stop => "stop",
        _ => "keepRunning",
    };

    public static VerdictKind Parse(string name) => name switch
    {
        "ship" => VerdictKind.Ship,
        "revert" => VerdictKind.Revert,
        "stop" => VerdictKind.Stop,
        "keepRunning" => VerdictKind.KeepRunning,
        _ => throw new FormatException($"Unknown verdict '{name}'."),
    };
}

/// <summary>Treatment − control comparison of one metric, from any test (Welch, proportions, CUPED).</summary>
/// <param name="Name">Metric name shown in the reasons.</param>
/// <param name="Difference">Treatment − control estimate.</param>
/// <param name="CiLow">Lower end of its confidence interval.</param>
/// <param name="CiHigh">Upper end of its confidence interval.</param>
/// <param name="PValue">Two-sided p-value of "no difference".</param>
/// <param name="HigherIsBetter">False for metrics such as latency or error rate.</param>
public sealed record MetricComparison(string Name, double Difference, double CiLow, double CiHigh, double PValue, bool HigherIsBetter = true);

/// <summary>A metric that must not get worse by more than <paramref name="MaxDegradation"/> (in metric units, ≥ 0).</summary>
/// <param name="Metric">The guardrail's treatment − control comparison.</param>
/// <param name="MaxDegradation">The allowed degradation, in the comparison's units.</param>
/// <param name="NonInferiority">
/// False (the original rule): breached when the harm is significant (its interval excludes 0) and its estimate exceeds
/// the allowed degradation. True: a one-sided non-inferiority reading — breached only when the interval's lower end of
/// the harm itself exceeds the allowed degradation, so the false-breach rate is the interval's error rate.
/// </param>
public sealed record Guardrail(MetricComparison Metric, double MaxDegradation, bool NonInferiority = false);

/// <summary>The state of a group-sequential plan at the current look.</summary>
/// <param name="Boundary">This look's boundary from <see cref="GroupSequential.ObrienFlemingBoundaries"/>.</param>
/// <param name="ZStatistic">The primary metric's z statistic at this look (treatment − control).</param>
/// <param name="IsFinalLook">True at the last planned look.</param>
public sealed record SequentialLook(SequentialBoundary Boundary, double ZStatistic, bool IsFinalLook);

/// <summary>Everything the verdict is based on.</summary>
/// <param name="Primary">The decision metric.</param>
/// <param name="Secondary">Further metrics, reported with Holm-adjusted p-values; they never change the verdict.</param>
/// <param name="Guardrails">Metrics with an allowed degradation; a breach stops the experiment.</param>
/// <param name="Srm">Sample-ratio check of the assignment counts; a mismatch stops the experiment.</param>
/// <param name="SampleCounts">Units per variant so far.</param>
/// <param name="RequiredPerVariant">Planned units per variant (e.g. from the sample-size calculation).</param>
/// <param name="Sequential">The current look of a group-sequential plan, or null for a fixed-horizon test.</param>
/// <param name="Alpha">Significance level of the fixed-horizon test and of the secondary metrics.</param>
/// <param name="AlwaysValid">
/// The primary's p-value and interval are always valid (a confidence sequence): they may be acted on at any
/// analysis, before the planned sample too.
/// </param>
public sealed record VerdictInput(
    MetricComparison Primary,
    IReadOnlyList<MetricComparison> Secondary,
    IReadOnlyList<Guardrail> Guardrails,
    SrmResult Srm,
    IReadOnlyList<long> SampleCounts,
    long RequiredPerVariant,
    SequentialLook? Sequential = null,
    double Alpha = 0.05,
    bool AlwaysValid = false);

/// <summary>The verdict, the evidence in words, and the Holm-adjusted p-values of the secondary metrics (input order).</summary>
/// <param name="Kind">Ship, revert, keep running or stop.</param>
/// <param name="AdditionalSamplePerVariant">Units per variant still needed to reach the planned sample (0 when reached).</param>
/// <param name="Reasons">Human-readable reasons, the deciding one first.</param>
/// <param name="SecondaryAdjustedPValues">Holm-adjusted p-values of <see cref="VerdictInput.Secondary"/>.</param>
/// <param name="PrimarySignificant">True when the verdict rests on a significant primary effect (either direction).</param>
public sealed record ExperimentVerdict(VerdictKind Kind, long AdditionalSamplePerVariant, IReadOnlyList<string> Reasons, IReadOnlyList<double> SecondaryAdjustedPValues, bool PrimarySignificant);

/// <summary>
/// Turns per-metric results into SHIP / REVERT / KEEP RUNNING / STOP.
/// </summary>
/// <remarks>
/// Order of the rules: (1) a sample-ratio mismatch stops the experiment: the assignment is broken, so no effect
/// estimate can be trusted; (2) a breached guardrail stops it: the treatment is significantly worse (its
/// interval excludes 0 on the harmful side) and the estimated harm exceeds the allowed degradation;
/// (3) the primary metric decides. With a sequential plan the primary is significant when |z| reaches the
/// look's boundary, at any look. Without one (fixed horizon) the p-value is only read once every variant has
/// the planned sample; reading it earlier is the peeking that inflates false positives. Significant and better
/// → SHIP, significant and worse → REVERT, not significant before the end → KEEP RUNNING, not significant at the
/// end → REVERT (no detectable effect: keep control).
/// </remarks>
public static class ExperimentVerdicts
{
    /// <summary>Decides the verdict; see the type's remarks for the rules.</summary>
    public static ExperimentVerdict Decide(VerdictInput input)
    {
        Validate(input);
        var reasons = new List<string>();
        var adjusted = SecondaryReasons(input, out var secondaryReasons);
        var stillNeeded = StillNeeded(input);

        if (input.Srm.Mismatch)
        {
            reasons.Add($"Sample ratio mismatch (χ² = {F(input.Srm.Statistic)}, p = {F(input.Srm.PValue)} < 0.001): the observed split {string.Join(" / ", input.SampleCounts)} does not match the configured one, so the assignment is broken and no effect verdict can be trusted. Investigate the assignment and logging.");
            return new ExperimentVerdict(VerdictKind.Stop, stillNeeded, reasons, adjusted, false);
        }

        var breaches = new List<string>();
        var cautions = new List<string>();
        foreach (var guardrail in input.Guardrails)
        {
            var m = guardrail.Metric;
            var harm = m.HigherIsBetter ? -m.Difference : m.Difference;
            var harmLow = m.HigherIsBetter ? -m.CiHigh : m.CiLow;
            var harmHigh = m.HigherIsBetter ? -m.CiLow : m.CiHigh;
            var breached = guardrail.NonInferiority ? harmLow > guardrail.MaxDegradation : harmLow > 0 && harm > guardrail.MaxDegradation;
            if (breached)
            {
                breaches.Add($"Guardrail '{m.Name}' breached: it got worse by {F(harm)} (CI of the harm {F(harmLow)} to {F(harmHigh)}), more than the allowed {F(guardrail.MaxDegradation)}.");
            }
            else if (harmHigh > guardrail.MaxDegradation)
            {
                cautions.Add($"Guardrail '{m.Name}' not yet shown within its bound: harm could be up to {F(harmHigh)} (allowed {F(guardrail.MaxDegradation)}).");
            }
        }

        if (breaches.Count > 0)
        {
            reasons.AddRange(breaches);
            reasons.Add("Stop the experiment and keep control while the guardrail regression is investigated.");
            return new ExperimentVerdict(VerdictKind.Stop, stillNeeded, reasons, adjusted, false);
        }

        var primary = input.Primary;

        // At a recorded look the direction is the look's: later estimates must not turn its decision around.
        var direction = input.Sequential is { } recorded ? recorded.ZStatistic : primary.Difference;
        var better = primary.HigherIsBetter ? direction > 0 : direction < 0;
        var kind = input.Sequential is { } look
            ? SequentialDecision(input, look, better, stillNeeded, reasons, out var significant)
            : input.AlwaysValid
                ? AlwaysValidDecision(input, better, stillNeeded, reasons, out significant)
                : FixedHorizonDecision(input, better, stillNeeded, reasons, out significant);

        if (kind == VerdictKind.Ship)
        {
            reasons.AddRange(cautions);
        }

        reasons.AddRange(secondaryReasons);
        return new ExperimentVerdict(kind, kind == VerdictKind.KeepRunning ? stillNeeded : 0, reasons, adjusted, significant);
    }

    private static VerdictKind SequentialDecision(VerdictInput input, SequentialLook look, bool better, long stillNeeded, List<string> reasons, out bool significant)
    {
        var p = input.Primary;
        var b = look.Boundary;
        var crossed = GroupSequential.Crossed(b, look.ZStatistic);
        significant = crossed;
        var where = b.Look == 1 && b.InformationFraction >= 1
            ? $"the planned sample (fixed horizon, read once): |z| = {F(Math.Abs(look.ZStatistic))} vs critical value {F(b.Z)} (p ≤ {F(b.NominalAlpha)})"
            : $"look {b.Look} (information {F(b.InformationFraction)}): |z| = {F(Math.Abs(look.ZStatistic))} vs O'Brien–Fleming boundary {F(b.Z)} (nominal p ≤ {F(b.NominalAlpha)})";
        if (crossed)
        {
            reasons.Add(better
                ? $"Primary '{p.Name}' improved by {F(p.Difference)} (CI {F(p.CiLow)} to {F(p.CiHigh)}); boundary crossed at {where}."
                : $"Primary '{p.Name}' got worse by {F(Math.Abs(p.Difference))} (CI {F(p.CiLow)} to {F(p.CiHigh)}); boundary crossed at {where}.");
            return better ? VerdictKind.Ship : VerdictKind.Revert;
        }

        if (look.IsFinalLook)
        {
            reasons.Add($"Primary '{p.Name}' shows no significant effect at the final {where}: keep control.");
            return VerdictKind.Revert;
        }

        reasons.Add($"Primary '{p.Name}' has not crossed the boundary at {where}; continue to the next look ({stillNeeded} more units per variant to the planned sample).");
        return VerdictKind.KeepRunning;
    }

    private static VerdictKind AlwaysValidDecision(VerdictInput input, bool better, long stillNeeded, List<string> reasons, out bool significant)
    {
        var p = input.Primary;
        significant = p.PValue < input.Alpha;
        if (significant)
        {
            reasons.Add(better
                ? $"Primary '{p.Name}' improved by {F(p.Difference)} (always-valid CI {F(p.CiLow)} to {F(p.CiHigh)}, always-valid p = {F(p.PValue)} < {F(input.Alpha)})."
                : $"Primary '{p.Name}' got worse by {F(Math.Abs(p.Difference))} (always-valid CI {F(p.CiLow)} to {F(p.CiHigh)}, always-valid p = {F(p.PValue)} < {F(input.Alpha)}).");
            return better ? VerdictKind.Ship : VerdictKind.Revert;
        }

        if (stillNeeded > 0)
        {
            reasons.Add($"Primary '{p.Name}': the always-valid interval ({F(p.CiLow)} to {F(p.CiHigh)}) still contains 0; {stillNeeded} more units per variant to the planned sample. It may be read at any time without inflating false positives.");
            return VerdictKind.KeepRunning;
        }

        reasons.Add($"Primary '{p.Name}' shows no significant effect at the planned sample (always-valid CI {F(p.CiLow)} to {F(p.CiHigh)}, p = {F(p.PValue)}): keep control.");
        return VerdictKind.Revert;
    }

    private static VerdictKind FixedHorizonDecision(VerdictInput input, bool better, long stillNeeded, List<string> reasons, out bool significant)
    {
        var p = input.Primary;
        significant = false;
        if (stillNeeded > 0)
        {
            reasons.Add($"Planned sample not reached: {stillNeeded} more units per variant needed (smallest variant has {Min(input.SampleCounts)} of {input.RequiredPerVariant}). The p-value ({F(p.PValue)}) is not acted on before then, so that peeking does not inflate false positives.");
            return VerdictKind.KeepRunning;
        }

        if (p.PValue < input.Alpha)
        {
            significant = true;
            reasons.Add(better
                ? $"Primary '{p.Name}' improved by {F(p.Difference)} (CI {F(p.CiLow)} to {F(p.CiHigh)}, p = {F(p.PValue)} < {F(input.Alpha)})."
                : $"Primary '{p.Name}' got worse by {F(Math.Abs(p.Difference))} (CI {F(p.CiLow)} to {F(p.CiHigh)}, p = {F(p.PValue)} < {F(input.Alpha)}).");
            return better ? VerdictKind.Ship : VerdictKind.Revert;
        }

        reasons.Add($"Primary '{p.Name}' shows no significant effect at the planned sample (difference {F(p.Difference)}, CI {F(p.CiLow)} to {F(p.CiHigh)}, p = {F(p.PValue)}): keep control.");
        return VerdictKind.Revert;
    }

    private static double[] SecondaryReasons(VerdictInput input, out List<string> reasons)
    {
        reasons = new List<string>();
        var pValues = new double[input.Secondary.Count];
        for (var i = 0; i < pValues.Length; i++)
        {
            pValues[i] = input.Secondary[i].PValue;
        }

        var adjusted = HolmBonferroni.Adjust(pValues);
        for (var i = 0; i < adjusted.Length; i++)
        {
            var m = input.Secondary[i];
            var better = m.HigherIsBetter ? m.Difference > 0 : m.Difference < 0;
            var what = adjusted[i] <= input.Alpha ? (better ? "significantly better" : "significantly worse") : "no significant change";
            reasons.Add($"Secondary '{m.Name}': {what} (difference {F(m.Difference)}, Holm-adjusted p = {F(adjusted[i])}).");
        }

        return adjusted;
    }

    private static long StillNeeded(VerdictInput input) => Math.Max(0, input.RequiredPerVariant - Min(input.SampleCounts));

    private static long Min(IReadOnlyList<long> counts)
    {
        var min = long.MaxValue;
        for (var i = 0; i < counts.Count; i++)
        {
            min = Math.Min(min, counts[i]);
        }

        return min;
    }

    private static void Validate(VerdictInput input)
    {
        Guard.NotNull(input, nameof(input));
        Guard.NotNull(input.Srm, "srm");
        Guard.NotNull(input.Secondary, "secondary");
        Guard.NotNull(input.Guardrails, "guardrails");
        Guard.NotNull(input.SampleCounts, "sampleCounts");
        Guard.Probability(input.Alpha, "alpha");
        ValidateMetric(input.Primary, "primary");
        for (var i = 0; i < input.Secondary.Count; i++)
        {
            ValidateMetric(input.Secondary[i], $"secondary[{i}]");
        }

        for (var i = 0; i < input.Guardrails.Count; i++)
        {
            var g = input.Guardrails[i];
            Guard.NotNull(g, $"guardrails[{i}]");
            ValidateMetric(g.Metric, $"guardrails[{i}]");
            if (!(g.MaxDegradation >= 0) || double.IsInfinity(g.MaxDegradation))
            {
                throw new AnalysisInputException($"guardrails[{i}].maxDegradation", $"must be a finite number ≥ 0, got {g.MaxDegradation}");
            }
        }

        if (input.SampleCounts.Count < 2)
        {
            throw new AnalysisInputException("sampleCounts", "needs a count for each of at least two variants");
        }

        for (var i = 0; i < input.SampleCounts.Count; i++)
        {
            if (input.SampleCounts[i] < 0)
            {
                throw new AnalysisInputException("sampleCounts", $"count {i} is negative");
            }
        }

        if (input.RequiredPerVariant < 0)
        {
            throw new AnalysisInputException("requiredPerVariant", "must be ≥ 0");
        }

        if (input.Sequential is { } look && (look.Boundary is null || double.IsNaN(look.ZStatistic)))
        {
            throw new AnalysisInputException("sequential", "needs a boundary and a z statistic");
        }
    }

    private static void ValidateMetric(MetricComparison? m, string field)
    {
        Guard.NotNull(m, field);
        if (double.IsNaN(m!.Difference) || double.IsNaN(m.CiLow) || double.IsNaN(m.CiHigh))
        {
            throw new AnalysisInputException(field, "difference and confidence interval must be numbers");
        }

        if (double.IsNaN(m.PValue) || m.PValue < 0 || m.PValue > 1)
        {
            throw new AnalysisInputException($"{field}.pValue", $"must be in [0, 1], got {m.PValue}");
        }
    }

    private static string F(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
