using System.Globalization;
using System.Text.Json;
using Cronos;
using Portal.Analysis.Common;
using Portal.Analysis.Drift;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Analysis;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>
/// Reads drift settings from JSON and checks them against the model's schema. Every error is an
/// <see cref="AnalysisInputException"/> naming the field (cron, window, fixedStart, features.amount.test, severity.ks, …).
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
    public static DriftSettingsView Validate(DriftSettingsView settings, MlModel model, DateTime now)
    {
        ParseCron(settings.Cron);
        if (!Enum.IsDefined(settings.Window))
        {
            throw new AnalysisInputException("window", "must be lastHour, lastDay, lastWeek or fixed.");
        }

        if (settings.Window == DriftWindow.Fixed)
        {
            if (settings.FixedStart is null)
            {
                throw new AnalysisInputException("fixedStart", "is required for a fixed window.");
            }

            if (settings.FixedEnd is null)
            {
                throw new AnalysisInputException("fixedEnd", "is required for a fixed window.");
            }

            if (settings.FixedStart < EarliestFixedStart)
            {
                throw new AnalysisInputException("fixedStart", $"must not be before {EarliestFixedStart:yyyy-MM-dd}.");
            }

            if (settings.FixedEnd > now + MaxFixedEndAhead)
            {
                throw new AnalysisInputException("fixedEnd", $"must not be more than {MaxFixedEndAhead.TotalHours:0} hours in the future.");
            }

            if (settings.FixedEnd <= settings.FixedStart)
            {
                throw new AnalysisInputException("fixedEnd", "must be after fixedStart.");
            }
        }

        if (!(settings.DriftShare > 0 && settings.DriftShare <= 1))
        {
            throw new AnalysisInputException("driftShare", "must be greater than 0 and at most 1.");
        }

        if (settings.MinSampleSize is < 1 or > MaxMinSampleSize)
        {
            throw new AnalysisInputException("minSampleSize", $"must be between 1 and {MaxMinSampleSize}.");
        }

        var schema = model.Features.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var (name, feature) in settings.Features)
        {
            var field = $"features.{name}";
            if (!schema.TryGetValue(name, out var schemaFeature))
            {
                throw new AnalysisInputException(field, $"'{name}' is not a feature of the model's schema.");
            }

            if (feature.Test is { } test)
            {
                if (!DriftTestIds.IsKnown(test))
                {
                    throw new AnalysisInputException($"{field}.test", $"unknown drift test '{test}'. Known: {string.Join(", ", DriftTestIds.All)}.");
                }

                var type = schemaFeature.Type == FeatureType.Numerical ? ColumnType.Numerical : ColumnType.Categorical;
                if (!DriftTestIds.Supports(test, type))
                {
                    throw new AnalysisInputException($"{field}.test", $"'{test}' does not apply to the categorical feature '{name}'.");
                }
            }

            if (feature.Threshold is { } threshold)
            {
                if (feature.Test is null)
                {
                    throw new AnalysisInputException($"{field}.threshold", "needs a test: a threshold means something only for a chosen test.");
                }

                if (!double.IsFinite(threshold) || threshold < 0 || (DriftTestIds.IsPValueTest(feature.Test) && threshold > 1))
                {
                    throw new AnalysisInputException($"{field}.threshold", DriftTestIds.IsPValueTest(feature.Test)
                        ? "a p-value threshold must be between 0 and 1."
                        : "must be a finite number ≥ 0.");
                }
            }
        }

        foreach (var (test, t) in settings.Severity)
        {
            var field = $"severity.{test}";
            if (!DriftTestIds.IsKnown(test))
            {
                throw new AnalysisInputException(field, $"unknown drift test '{test}'.");
            }

            if (new[] { t.Info, t.Warning, t.Critical }.Any(v => !double.IsFinite(v) || v < 0))
            {
                throw new AnalysisInputException(field, "info, warning and critical must be finite numbers ≥ 0.");
            }

            if (DriftSeverityRules.SmallerIsWorse(test) ? !(t.Info >= t.Warning && t.Warning >= t.Critical && t.Info <= 1) : !(t.Info <= t.Warning && t.Warning <= t.Critical))
            {
                throw new AnalysisInputException(field, DriftSeverityRules.SmallerIsWorse(test)
                    ? "p-value thresholds must satisfy 1 ≥ info ≥ warning ≥ critical."
                    : "thresholds must satisfy info ≤ warning ≤ critical.");
            }
        }

        return settings with { Cron = settings.Cron.Trim() };
    }

    /// <summary>
    /// Reads a PUT body. Absent fields take the defaults; <c>severity</c> overrides the tests it names and keeps the
    /// defaults for the others.
    /// </summary>
    public static DriftSettingsView Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new AnalysisInputException("$", "The body must be a JSON object.");
        }

        var defaults = DriftSettingsView.Defaults;
        var window = JsonInput.OptionalString(body, "window") is { } text
            ? text.ToLowerInvariant() switch
            {
                "lasthour" or "1h" => DriftWindow.LastHour,
                "lastday" or "1d" => DriftWindow.LastDay,
                "lastweek" or "7d" => DriftWindow.LastWeek,
                "fixed" => DriftWindow.Fixed,
                _ => throw new AnalysisInputException("window", $"'{text}' is not a window: use lastHour, lastDay, lastWeek or fixed."),
            }
            : defaults.Window;

        var features = new Dictionary<string, FeatureDriftSetting>(StringComparer.Ordinal);
        if (JsonInput.OptionalObject(body, "features") is { } featureObject)
        {
            foreach (var property in featureObject.EnumerateObject())
            {
                var field = $"features.{property.Name}";
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new AnalysisInputException(field, "must be an object {\"test\": \"ks\", \"threshold\": 0.05}.");
                }

                var test = JsonInputField(() => JsonInput.OptionalString(property.Value, "test"), field);
                double? threshold = property.Value.TryGetProperty("threshold", out var t) && t.ValueKind != JsonValueKind.Null
                    ? JsonInputField(() => JsonInput.Number(property.Value, "threshold"), field)
                    : null;
                features[property.Name] = new FeatureDriftSetting(string.IsNullOrWhiteSpace(test) ? null : test.Trim(), threshold);
            }
        }

        var severity = defaults.Severity.ToDictionary();
        if (JsonInput.OptionalObject(body, "severity") is { } severityObject)
        {
            foreach (var property in severityObject.EnumerateObject())
            {
                var field = $"severity.{property.Name}";
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new AnalysisInputException(field, "must be an object {\"info\": 0.1, \"warning\": 0.15, \"critical\": 0.25}.");
                }

                severity[property.Name] = new SeverityThresholds(
                    JsonInputField(() => JsonInput.Number(property.Value, "info"), field),
                    JsonInputField(() => JsonInput.Number(property.Value, "warning"), field),
                    JsonInputField(() => JsonInput.Number(property.Value, "critical"), field));
            }
        }

        return new DriftSettingsView(
            JsonInput.OptionalString(body, "cron") ?? defaults.Cron,
            Bool(body, "enabled") ?? true,
            window,
            Date(body, "fixedStart"),
            Date(body, "fixedEnd"),
            JsonInput.Number(body, "driftShare", defaults.DriftShare),
            body.TryGetProperty("minSampleSize", out var min) && min.ValueKind != JsonValueKind.Null
                ? (int)Math.Clamp(JsonInput.WholeNumber(body, "minSampleSize"), int.MinValue, int.MaxValue)
                : defaults.MinSampleSize,
            features,
            severity,
            Bool(body, "benjaminiHochberg") ?? false);
    }

    /// <summary>Prefixes the field of an error raised for a nested object ("threshold" → "features.amount.threshold").</summary>
    private static T JsonInputField<T>(Func<T> read, string prefix)
    {
        try
        {
            return read();
        }
        catch (AnalysisInputException e)
        {
            throw new AnalysisInputException($"{prefix}.{e.Field}", e.Reason);
        }
    }

    private static bool? Bool(JsonElement body, string field) =>
        body.TryGetProperty(field, out var value) ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => throw new AnalysisInputException(field, "must be true or false."),
        } : null;

    private static DateTime? Date(JsonElement body, string field)
    {
        var text = JsonInput.OptionalString(body, field);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime
            : throw new AnalysisInputException(field, $"'{text}' is not an RFC 3339 timestamp.");
    }
}
