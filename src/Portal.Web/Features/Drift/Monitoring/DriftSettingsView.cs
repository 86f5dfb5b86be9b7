using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Data.Entities.Jobs;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>One feature's drift test and threshold; a null test is the automatic choice, a null threshold the test's default.</summary>
public sealed record FeatureDriftSetting(string? Test, double? Threshold);

/// <summary>
/// The score at which a drifted feature becomes info, warning or critical. For distances (and the ks statistic) larger
/// is worse: info ≤ warning ≤ critical. For p-values smaller is worse: info ≥ warning ≥ critical.
/// </summary>
public sealed record SeverityThresholds(double Info, double Warning, double Critical);

/// <summary>
/// A model's drift settings as the API, the form and the job see them: stored values, or the defaults for a model
/// without settings. <see cref="Severity"/> holds the effective thresholds of every test (defaults merged with overrides).
/// <see cref="BenjaminiHochberg"/>: adjust the p-value tests' p-values across the model's features (false discovery rate
/// control) before deciding which features drifted; distance tests are unaffected.
/// </summary>
public sealed record DriftSettingsView(
    string Cron,
    bool Enabled,
    DriftWindow Window,
    DateTime? FixedStart,
    DateTime? FixedEnd,
    double DriftShare,
    int MinSampleSize,
    IReadOnlyDictionary<string, FeatureDriftSetting> Features,
    IReadOnlyDictionary<string, SeverityThresholds> Severity,
    bool BenjaminiHochberg = false)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static DriftSettingsView Defaults { get; } = new(
        DriftSettings.DefaultCron, true, DriftWindow.LastHour, null, null, DriftSettings.DefaultDriftShare, DriftSettings.DefaultMinSampleSize,
        new Dictionary<string, FeatureDriftSetting>(), DriftSeverityRules.DefaultThresholds);

    /// <summary>
    /// The window [start, end) a run at <paramref name="now"/> analyses. A fixed window stored before the bounds of
    /// <see cref="DriftSettingsRules.Validate"/> existed is clamped to them, so the job never meets an unusable date.
    /// </summary>
    public (DateTime Start, DateTime End) WindowAt(DateTime now) => Window switch
    {
        DriftWindow.LastHour => (now.AddHours(-1), now),
        DriftWindow.LastDay => (now.AddDays(-1), now),
        DriftWindow.LastWeek => (now.AddDays(-7), now),
        _ => Clamp(FixedStart ?? now.AddHours(-1), FixedEnd ?? now, now),
    };

    private static (DateTime Start, DateTime End) Clamp(DateTime start, DateTime end, DateTime now)
    {
        var earliest = DriftSettingsRules.EarliestFixedStart;
        var latest = now + DriftSettingsRules.MaxFixedEndAhead;
        start = start < earliest ? earliest : start > latest ? latest : start;
        end = end < earliest ? earliest : end > latest ? latest : end;
        return (start, end < start ? start : end);
    }

    public static DriftSettingsView From(DriftSettings? stored)
    {
        if (stored is null)
        {
            return Defaults;
        }

        var features = JsonSerializer.Deserialize<Dictionary<string, FeatureDriftSetting>>(stored.FeaturesJson, Json) ?? [];
        var overrides = JsonSerializer.Deserialize<Dictionary<string, SeverityThresholds>>(stored.SeverityJson, Json) ?? [];
        var severity = DriftSeverityRules.DefaultThresholds.ToDictionary(t => t.Key, t => overrides.GetValueOrDefault(t.Key) ?? t.Value);
        return new DriftSettingsView(stored.Cron, stored.Enabled, stored.Window, stored.FixedStart, stored.FixedEnd, stored.DriftShare, stored.MinSampleSize, features, severity, stored.BenjaminiHochberg);
    }

    /// <summary>Copies the view into the entity; only severity thresholds that differ from the defaults are stored.</summary>
    public void ApplyTo(DriftSettings entity)
    {
        entity.Cron = Cron;
        entity.Enabled = Enabled;
        entity.Window = Window;
        entity.FixedStart = Window == DriftWindow.Fixed ? FixedStart : null;
        entity.FixedEnd = Window == DriftWindow.Fixed ? FixedEnd : null;
        entity.DriftShare = DriftShare;
        entity.MinSampleSize = MinSampleSize;
        entity.BenjaminiHochberg = BenjaminiHochberg;
        entity.FeaturesJson = JsonSerializer.Serialize(Features.Where(f => f.Value.Test is not null || f.Value.Threshold is not null).ToDictionary(), Json);
        entity.SeverityJson = JsonSerializer.Serialize(
            Severity.Where(s => DriftSeverityRules.DefaultThresholds.GetValueOrDefault(s.Key) != s.Value).ToDictionary(), Json);
    }
}
