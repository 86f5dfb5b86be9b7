using Portal.Analysis.Drift;
using Portal.Data.Entities.Jobs;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>One analysed feature as the model verdict sees it: its severity and its schema importance (null = not given).</summary>
public readonly record struct WeightedSeverity(DriftSeverity Severity, double? Importance);

/// <summary>The model's verdict: severity, dataset drift and the importance-weighted share of drifted features.</summary>
public sealed record ModelDriftVerdict(DriftSeverity Severity, bool DatasetDrift, double WeightedDriftShare, double DriftShare);

/// <summary>
/// How drift becomes a severity (docs/jobs.md "Drift severity").
/// <para><b>Feature.</b> A feature that did not drift (by its test and threshold) is <see cref="DriftSeverity.None"/>.
/// A drifted feature is mapped by its test's severity measure against three thresholds: ks uses its statistic
/// (defaults 0.1 / 0.15 / 0.25), psi its value (0.1 / 0.2 / 0.25), the other distances their value (wasserstein: the
/// normed distance; defaults 0.1 / 0.2 / 0.3), the other p-value tests their p-value (0.05 / 0.01 / 0.001, smaller is
/// worse). A drifted feature below the info threshold is still <see cref="DriftSeverity.Info"/>.</para>
/// <para><b>Model.</b> Each analysed feature weighs its schema importance (a feature without one weighs the mean of the
/// others, or 1 when none has one), normalised to sum to 1. W(L) is the weight of the features at severity L or worse.
/// The model is Critical when W(Critical) reaches the drift share, else Warning when W(Warning) does, else Info when
/// any feature drifted, else None. Dataset drift means W(Info) reaches the drift share. So a drifting feature whose
/// importance is below the drift share never pages on its own.</para>
/// </summary>
public static class DriftSeverityRules
{
    private static readonly SeverityThresholds PValue = new(0.05, 0.01, 0.001);
    private static readonly SeverityThresholds Distance = new(0.1, 0.2, 0.3);

    public static IReadOnlyDictionary<string, SeverityThresholds> DefaultThresholds { get; } = new Dictionary<string, SeverityThresholds>
    {
        [DriftTestIds.Ks] = new(0.1, 0.15, 0.25),
        [DriftTestIds.Psi] = new(0.1, 0.2, 0.25),
        [DriftTestIds.ChiSquare] = PValue,
        [DriftTestIds.Chi2Contingency] = PValue,
        [DriftTestIds.Z] = PValue,
        [DriftTestIds.TTest] = PValue,
        [DriftTestIds.MannWhitney] = PValue,
        [DriftTestIds.CramerVonMises] = PValue,
        [DriftTestIds.KlDiv] = Distance,
        [DriftTestIds.JensenShannon] = Distance,
        [DriftTestIds.Wasserstein] = Distance,
        [DriftTestIds.Hellinger] = Distance,
        [DriftTestIds.Energy] = Distance,
        [DriftTestIds.Tvd] = Distance,
    };

    /// <summary>Whether smaller measures are worse (p-values; not ks, whose severity uses its statistic).</summary>
    public static bool SmallerIsWorse(string test) => test != DriftTestIds.Ks && DriftTestIds.IsPValueTest(test);

    /// <summary>The result field the severity reads: statistic for ks, the test's score field otherwise.</summary>
    public static string MeasureField(string test) => test == DriftTestIds.Ks ? "statistic" : DriftTestIds.ScoreField(test);

    public static DriftSeverity FeatureSeverity(DriftColumnResult result, IReadOnlyDictionary<string, SeverityThresholds> thresholds)
    {
        if (!result.Drifted)
        {
            return DriftSeverity.None;
        }

        if (!result.Results.TryGetValue(result.Test, out var fields) || !fields.TryGetValue(MeasureField(result.Test), out var measure))
        {
            return DriftSeverity.Info;
        }

        var t = thresholds.GetValueOrDefault(result.Test) ?? DefaultThresholds.GetValueOrDefault(result.Test) ?? Distance;
        return Level(result.Test, measure, t);
    }

    /// <summary>The level <paramref name="measure"/> reaches (at least Info: the caller only asks for drifted features).</summary>
    public static DriftSeverity Level(string test, double measure, SeverityThresholds t)
    {
        bool Reaches(double threshold) => SmallerIsWorse(test) ? measure <= threshold : measure >= threshold;
        return Reaches(t.Critical) ? DriftSeverity.Critical : Reaches(t.Warning) ? DriftSeverity.Warning : DriftSeverity.Info;
    }

    public static ModelDriftVerdict ModelVerdict(IReadOnlyList<WeightedSeverity> features, double driftShare)
    {
        if (features.Count == 0)
        {
            return new ModelDriftVerdict(DriftSeverity.None, false, 0, driftShare);
        }

        var given = features.Where(f => f.Importance is > 0).Select(f => f.Importance!.Value).ToList();
        var fallback = given.Count > 0 ? given.Average() : 1;
        var weights = features.Select(f => f.Importance is > 0 ? f.Importance.Value : fallback).ToArray();
        var total = weights.Sum();

        double Share(DriftSeverity level) => features.Select((f, i) => f.Severity >= level ? weights[i] : 0).Sum() / total;

        // A tiny tolerance so that shares summing to the drift share in decimal (0.3 + 0.2) are not lost to rounding.
        bool Reaches(DriftSeverity level) => Share(level) >= driftShare - 1e-12;

        var drifted = Share(DriftSeverity.Info);
        var severity = Reaches(DriftSeverity.Critical) ? DriftSeverity.Critical
            : Reaches(DriftSeverity.Warning) ? DriftSeverity.Warning
            : drifted > 0 ? DriftSeverity.Info
            : DriftSeverity.None;
        return new ModelDriftVerdict(severity, Reaches(DriftSeverity.Info), drifted, driftShare);
    }
}
