using System.Globalization;
using Portal.Data.Entities.Jobs;

namespace Portal.Web.Infrastructure.Dashboards;

/// <summary>A drifted feature as the headline names it; <paramref name="Strength"/> is its score relative to its test's threshold (1 = threshold).</summary>
public readonly record struct DriftedFeature(string Name, double? Strength);

/// <summary>
/// Every drift signal of a model, as the latest drift run (or the live estimate) and the streaming detectors report them.
/// A null or zero field is a signal without data, which does not count.
/// </summary>
/// <param name="HasVerdict">False when the run (or the live estimate) had fewer predictions than the minimum sample.</param>
/// <param name="Features">Features analysed.</param>
/// <param name="Drifted">The drifted features (by their test and threshold), any weight.</param>
/// <param name="Severity">The run's importance-weighted severity (docs/jobs.md "Drift severity").</param>
/// <param name="PredictionPsi">PSI of the prediction (score) distribution: prediction / concept drift.</param>
/// <param name="TargetPsi">PSI of the label distribution: target drift.</param>
/// <param name="PcaDrift">PCA reconstruction error outside its reference band.</param>
/// <param name="MmdDrift">MMD permutation test below alpha.</param>
/// <param name="PossibleDriftEvents">Streaming "possible drift" events (Page–Hinkley / ADWIN) in the window.</param>
public sealed record DriftSignals(
    bool HasVerdict, int Features, IReadOnlyList<DriftedFeature> Drifted, DriftSeverity Severity,
    double? PredictionPsi = null, double? TargetPsi = null, bool? PcaDrift = null, bool? MmdDrift = null, int PossibleDriftEvents = 0)
{
    /// <summary>No drift run, no live estimate, no streaming event: nothing to judge by.</summary>
    public static DriftSignals None { get; } = new(false, 0, [], DriftSeverity.None);
}

/// <summary>The combined drift level and why, in words ("1 of 5 features drifted — support_tickets 22×; prediction PSI 0.46 high").</summary>
public sealed record DriftStatus(HealthLevel Level, string Reason)
{
    /// <summary>"Drift", "No drift" or "No verdict", the words written beside the colour.</summary>
    public string Headline => Level switch
    {
        HealthLevel.Unknown => "No verdict",
        HealthLevel.Green => "No drift",
        _ => "Drift",
    };
}

/// <summary>
/// One rule for the model's drift status (docs/dashboards.md "Status colours"), used by the Drift tab's headline and the
/// models list. Each signal gets a level and the worst one wins; the reason lists every signal that is not green.
/// <list type="bullet">
/// <item>Features: none drifted green; any drifted feature amber, whatever its weight (a drifting feature never shows
/// green); red when the run's importance-weighted severity is critical. No verdict (below the minimum sample) is grey.</item>
/// <item>Prediction PSI and target PSI: below 0.1 green, below 0.25 amber ("moderate"), from 0.25 red ("high").</item>
/// <item>Multivariate (PCA reconstruction error, MMD): either one drifting is amber; both computed and quiet is green.</item>
/// <item>Streaming possible drift: any event in the window is amber; no event is no signal (detectors only speak up).</item>
/// </list>
/// </summary>
public static class DriftStatusRule
{
    public const double PsiModerate = 0.1;
    public const double PsiHigh = 0.25;

    /// <summary>Drifted features named in the reason, strongest first.</summary>
    public const int NamedFeatures = 3;

    public static DriftStatus Judge(DriftSignals signals)
    {
        var parts = new List<(HealthLevel Level, string Text)>
        {
            Features(signals),
            Psi("prediction PSI", signals.PredictionPsi),
            Psi("target PSI", signals.TargetPsi),
            Multivariate(signals.PcaDrift, signals.MmdDrift),
            signals.PossibleDriftEvents > 0
                ? (HealthLevel.Amber, signals.PossibleDriftEvents == 1 ? "streaming possible drift (1 event)" : $"streaming possible drift ({signals.PossibleDriftEvents} events)")
                : (HealthLevel.Unknown, ""),
        };

        var level = StatusRules.Worst(parts.Select(p => p.Level));
        var shown = level switch
        {
            HealthLevel.Unknown => [],
            HealthLevel.Green => parts.Where(p => p.Level == HealthLevel.Green),
            _ => parts.Where(p => p.Level >= HealthLevel.Amber),
        };
        var reason = string.Join("; ", shown.Select(p => p.Text).Where(t => t.Length > 0));
        return new DriftStatus(level, reason.Length > 0 ? reason : "no drift run or estimate yet");
    }

    private static (HealthLevel, string) Features(DriftSignals s)
    {
        if (!s.HasVerdict || s.Features == 0)
        {
            return (HealthLevel.Unknown, "");
        }

        var count = $"{s.Drifted.Count} of {s.Features} features drifted";
        if (s.Drifted.Count == 0)
        {
            return (HealthLevel.Green, count);
        }

        var named = s.Drifted.OrderByDescending(f => f.Strength ?? 0).Take(NamedFeatures)
            .Select(f => f.Strength is { } x ? $"{f.Name} {Times(x)}" : f.Name);
        var more = s.Drifted.Count > NamedFeatures ? ", …" : "";
        var text = $"{count} — {string.Join(", ", named)}{more}";
        return (s.Severity == DriftSeverity.Critical ? HealthLevel.Red : HealthLevel.Amber, text);
    }

    private static (HealthLevel, string) Psi(string name, double? psi) => psi switch
    {
        null or double.NaN => (HealthLevel.Unknown, ""),
        < PsiModerate => (HealthLevel.Green, $"{name} {Number(psi.Value)}"),
        < PsiHigh => (HealthLevel.Amber, $"{name} {Number(psi.Value)} moderate"),
        _ => (HealthLevel.Red, $"{name} {Number(psi.Value)} high"),
    };

    private static (HealthLevel, string) Multivariate(bool? pca, bool? mmd)
    {
        if (pca is not true && mmd is not true)
        {
            return pca is null && mmd is null ? (HealthLevel.Unknown, "") : (HealthLevel.Green, "no multivariate drift");
        }

        var by = pca is true && mmd is true ? "PCA and MMD" : pca is true ? "PCA" : "MMD";
        return (HealthLevel.Amber, $"multivariate drift ({by})");
    }

    /// <summary>"22×", "1.4×": how many times its threshold a feature's score is.</summary>
    public static string Times(double strength) =>
        (strength >= 10 ? strength.ToString("0", CultureInfo.InvariantCulture) : strength.ToString("0.0", CultureInfo.InvariantCulture)) + "×";

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
