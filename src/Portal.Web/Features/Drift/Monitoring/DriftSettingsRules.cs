using System.Globalization;
using System.Text.Json.Serialization;
using Cronos;
using Portal.Analysis.Common;
using Portal.Analysis.Drift;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>
/// Checks drift settings against the model's schema; every error is named by its field (cron, window, fixedStart, features.amount.test, severity.ks, …).
/// </summary>
public static class DriftSettingsRules
{
    public const int MaxMinSampleSize = 1_000_000;

    /// <summary>The next times a cron expression fires after <paramref name="from"/> (UTC); throws for an invalid one.</summary>
    public static IReadOnlyList<DateTime> NextOccurrences(string cron, DateTime from, int count)
    {
        var expression = ParseCron(cron);
        var result = new List<DateTime>(count);
        var at = DateTime.SpecifyKind(from, DateTimeKind.Utc);
        while (result.Count < count && expression.GetNextOccurrence(at, TimeZoneInfo.Utc) is { } next)
        {
            result.Add(next);
            at = next;
        }

        return result;
    }

    public static CronExpression ParseCron(string? cron)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            throw new AnalysisInputException("cron", "is required: a cron expression such as \"0 * * * *\" (hourly).");
        }

        if (cron.Length > DriftSettings.CronMaxLength)
        {
            throw new AnalysisInputException("cron", $"is longer than {DriftSettings.CronMaxLength} characters.");
        }

        try
        {
            return CronExpression.Parse(cron.Trim(), CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new AnalysisInputException("cron", $"'{cron}' is not a cron expression with 5 fields (minute hour day-of-month month day-of-week): {e.Message}");
        }
    }

    /// <summary>
    /// Earliest start of a fixed window. Predictions are stored as Unix milliseconds; the bound keeps window arithmetic
    /// far from DateTime's range (year 1 to 9999), which a window of 0001–9999 overflowed on every run.
    /// </summary>
    public static readonly DateTime EarliestFixedStart = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>How far past now a fixed window may end (a window ending tomorrow is a typo's worth of slack, not more).</summary>
    public static readonly TimeSpan MaxFixedEndAhead = TimeSpan.FromDays(1);

    /// <summary>Checks every field; returns the settings with the cron trimmed.</summary>
    /// <exception cref="InputValidationException">Fields are invalid (every one named: cron, fixedEnd, features.amount.test, severity.ks, …).</exception>
    public static DriftSettingsView Validate(DriftSettingsView settings, MlModel model, DateTime now)
    {
        var problems = new ValidationProblems();
        try
        {
            ParseCron(settings.Cron);
        }
        catch (AnalysisInputException e)
        {
            problems.Add(e);
        }

        if (!Enum.IsDefined(settings.Window))
        {
            problems.Add("window", "must be lastHour, lastDay, lastWeek or fixed.");
        }

        if (settings.Window == DriftWindow.Fixed)
        {
            ValidateFixedWindow(settings, now, problems);
        }

        if (!(settings.DriftShare > 0 && settings.DriftShare <= 1))
        {
            problems.Add("driftShare", "must be greater than 0 and at most 1.");
        }

        if (settings.MinSampleSize is < 1 or > MaxMinSampleSize)
        {
            problems.Add("minSampleSize", $"must be between 1 and {MaxMinSampleSize}.");
        }

        var schema = model.Features.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var (name, feature) in settings.Features)
        {
            if (schema.TryGetValue(name, out var schemaFeature))
            {
                ValidateFeature($"features.{name}", feature, schemaFeature, problems);
            }
            else
            {
                problems.Add($"features.{name}", $"'{name}' is not a feature of the model's schema.");
            }
        }

        foreach (var (test, t) in settings.Severity)
        {
            var field = $"severity.{test}";
            if (!DriftTestIds.IsKnown(test))
            {
                problems.Add(field, $"unknown drift test '{test}'.");
            }
            else if (new[] { t.Info, t.Warning, t.Critical }.Any(v => !double.IsFinite(v) || v < 0))
            {
                problems.Add(field, "info, warning and critical must be finite numbers ≥ 0.");
            }
            else if (DriftSeverityRules.SmallerIsWorse(test) ? !(t.Info >= t.Warning && t.Warning >= t.Critical && t.Info <= 1) : !(t.Info <= t.Warning && t.Warning <= t.Critical))
            {
                problems.Add(field, DriftSeverityRules.SmallerIsWorse(test)
                    ? "p-value thresholds must satisfy 1 ≥ info ≥ warning ≥ critical."
                    : "thresholds must satisfy info ≤ warning ≤ critical.");
            }
        }

        problems.ThrowIfAny();
        return settings with { Cron = settings.Cron.Trim() };
    }

    private static void ValidateFixedWindow(DriftSettingsView settings, DateTime now, ValidationProblems problems)
    {
        if (settings.FixedStart is null)
        {
            problems.Add("fixedStart", "is required for a fixed window.");
        }
        else if (settings.FixedStart < EarliestFixedStart)
        {
            problems.Add("fixedStart", $"must not be before {EarliestFixedStart:yyyy-MM-dd}.");
        }

        if (settings.FixedEnd is null)
        {
            problems.Add("fixedEnd", "is required for a fixed window.");
        }
        else if (settings.FixedEnd > now + MaxFixedEndAhead)
        {
            problems.Add("fixedEnd", $"must not be more than {MaxFixedEndAhead.TotalHours:0} hours in the future.");
        }
        else if (settings.FixedEnd <= settings.FixedStart)
        {
            problems.Add("fixedEnd", "must be after fixedStart.");
        }
    }

    private static void ValidateFeature(string field, FeatureDriftSetting feature, ModelFeature schemaFeature, ValidationProblems problems)
    {
        if (feature.Test is { } test)
        {
            var type = schemaFeature.Type == FeatureType.Numerical ? ColumnType.Numerical : ColumnType.Categorical;
            if (!DriftTestIds.IsKnown(test))
            {
                problems.Add($"{field}.test", $"unknown drift test '{test}'. Known: {string.Join(", ", DriftTestIds.All)}.");
            }
            else if (!DriftTestIds.Supports(test, type))
            {
                problems.Add($"{field}.test", $"'{test}' does not apply to the categorical feature '{schemaFeature.Name}'.");
            }
        }

        if (feature.Threshold is { } threshold)
        {
            if (feature.Test is null)
            {
                problems.Add($"{field}.threshold", "needs a test: a threshold means something only for a chosen test.");
            }
            else if (!double.IsFinite(threshold) || threshold < 0 || (DriftTestIds.IsPValueTest(feature.Test) && threshold > 1))
            {
                problems.Add($"{field}.threshold", DriftTestIds.IsPValueTest(feature.Test)
                    ? "a p-value threshold must be between 0 and 1."
                    : "must be a finite number ≥ 0.");
            }
        }
    }
}

/// <summary>
/// The body of <c>PUT /api/v1/models/{model}/drift/settings</c>. Absent fields take the defaults; <c>severity</c>
/// overrides the tests it names and keeps the defaults for the others. Windows are lastHour, lastDay, lastWeek or fixed
/// (any case; 1h, 1d, 7d too); fixedStart and fixedEnd are RFC 3339 timestamps.
/// </summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record DriftSettingsRequest(
    string? Cron,
    bool? Enabled,
    string? Window,
    string? FixedStart,
    string? FixedEnd,
    double? DriftShare,
    long? MinSampleSize,
    IReadOnlyDictionary<string, DriftSettingsRequest.FeatureTest?>? Features,
    IReadOnlyDictionary<string, DriftSettingsRequest.Thresholds?>? Severity,
    bool? BenjaminiHochberg)
{
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public sealed record FeatureTest(string? Test, double? Threshold);

    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public sealed record Thresholds(double? Info, double? Warning, double? Critical);

    /// <summary>The settings, or a 400 naming every field that is not a usable value (the rules are <see cref="DriftSettingsRules.Validate"/>'s).</summary>
    public DriftSettingsView ToView()
    {
        var problems = new ValidationProblems();
        var defaults = DriftSettingsView.Defaults;
        DriftWindow? window = Window?.ToLowerInvariant() switch
        {
            null => defaults.Window,
            "lasthour" or "1h" => DriftWindow.LastHour,
            "lastday" or "1d" => DriftWindow.LastDay,
            "lastweek" or "7d" => DriftWindow.LastWeek,
            "fixed" => DriftWindow.Fixed,
            _ => null,
        };
        if (window is null)
        {
            problems.Add("window", $"'{Window}' is not a window: use lastHour, lastDay, lastWeek or fixed.");
        }

        var features = new Dictionary<string, FeatureDriftSetting>(StringComparer.Ordinal);
        foreach (var (name, feature) in Features ?? new Dictionary<string, FeatureTest?>())
        {
            if (feature is null)
            {
                problems.Add($"features.{name}", "must be an object {\"test\": \"ks\", \"threshold\": 0.05}.");
                continue;
            }

            var threshold = feature.Threshold is { } t ? problems.Finite(t, $"features.{name}.threshold") : (double?)null;
            features[name] = new FeatureDriftSetting(string.IsNullOrWhiteSpace(feature.Test) ? null : feature.Test.Trim(), threshold);
        }

        var severity = defaults.Severity.ToDictionary();
        foreach (var (test, thresholds) in Severity ?? new Dictionary<string, Thresholds?>())
        {
            var field = $"severity.{test}";
            if (thresholds is null)
            {
                problems.Add(field, "must be an object {\"info\": 0.1, \"warning\": 0.15, \"critical\": 0.25}.");
                continue;
            }

            severity[test] = new SeverityThresholds(
                problems.Number(thresholds.Info, $"{field}.info"), problems.Number(thresholds.Warning, $"{field}.warning"), problems.Number(thresholds.Critical, $"{field}.critical"));
        }

        var view = new DriftSettingsView(
            Cron ?? defaults.Cron,
            Enabled ?? true,
            window ?? defaults.Window,
            Date(FixedStart, "fixedStart", problems),
            Date(FixedEnd, "fixedEnd", problems),
            problems.Number(DriftShare, "driftShare", defaults.DriftShare),
            (int)Math.Clamp(problems.WholeNumber(MinSampleSize, "minSampleSize", defaults.MinSampleSize), int.MinValue, int.MaxValue),
            features,
            severity,
            BenjaminiHochberg ?? false);
        problems.ThrowIfAny();
        return view;
    }

    private static DateTime? Date(string? text, string field, ValidationProblems problems)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.UtcDateTime;
        }

        problems.Add(field, $"'{text}' is not an RFC 3339 timestamp.");
        return null;
    }
}
