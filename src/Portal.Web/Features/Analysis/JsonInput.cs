using System.Globalization;
using System.Text.Json;
using Portal.Analysis.Common;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Analysis;

/// <summary>Reads request JSON field by field so every error names the field (and item index) at fault.</summary>
public static class JsonInput
{

    /// <summary>The body (or the object of an options field, named by <paramref name="field"/>) must be a JSON object.</summary>
    public static JsonElement RequireBody(JsonElement body, string field = "$") =>
        body.ValueKind == JsonValueKind.Object
            ? body
            : throw new AnalysisInputException(field, field == "$" ? "The body must be a JSON object." : "must be a JSON object.");

    /// <summary>TryGetProperty that answers "the body must be an object" instead of throwing on an array or a scalar.</summary>
    private static bool TryGetField(JsonElement body, string field, out JsonElement value)
    {
        RequireBody(body);
        return body.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;
    }

    public static JsonElement RequireObject(JsonElement body, string field)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new AnalysisInputException("$", "The body must be a JSON object.");
        }

        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new AnalysisInputException(field, "is required.");
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw new AnalysisInputException(field, "must be a JSON object.");
    }

    public static JsonElement? OptionalObject(JsonElement body, string field) =>
        TryGetField(body, field, out var value)
            ? value.ValueKind == JsonValueKind.Object ? value : throw new AnalysisInputException(field, "must be a JSON object.")
            : null;

    public static JsonElement RequireArray(JsonElement body, string field, bool allowEmpty = false)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new AnalysisInputException("$", "The body must be a JSON object.");
        }

        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new AnalysisInputException(field, "is required.");
        }

        return CheckArray(value, field, allowEmpty);
    }

    public static JsonElement CheckArray(JsonElement value, string field, bool allowEmpty = false)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new AnalysisInputException(field, "must be a JSON array.");
        }

        if (!allowEmpty && value.GetArrayLength() == 0)
        {
            throw new AnalysisInputException(field, "must not be empty.");
        }

        return value;
    }

    /// <summary>Finite numbers; null becomes NaN (missing) only when <paramref name="allowMissing"/>.</summary>
    public static double[] Numbers(JsonElement array, string field, bool allowMissing = false)
    {
        var values = new double[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            values[i] = item.ValueKind switch
            {
                JsonValueKind.Number => Finite(item.GetDouble(), field, i),
                JsonValueKind.Null when allowMissing => double.NaN,
                JsonValueKind.String when allowMissing && IsMissingText(item.GetString()) => double.NaN,
                JsonValueKind.Null => throw new AnalysisInputException($"{field}[{i}]", "is null; a number is required."),
                _ => throw new AnalysisInputException($"{field}[{i}]", $"{Show(item)} is not a number."),
            };
            i++;
        }

        return values;
    }

    /// <summary>Labels or categories as strings; numbers are formatted invariantly so 1 and 1.0 agree.</summary>
    public static string?[] Strings(JsonElement array, string field, bool allowMissing = false)
    {
        var values = new string?[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            values[i] = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Number => Finite(item.GetDouble(), field, i).ToString(CultureInfo.InvariantCulture),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null when allowMissing => null,
                JsonValueKind.Null => throw new AnalysisInputException($"{field}[{i}]", "is null; a value is required."),
                _ => throw new AnalysisInputException($"{field}[{i}]", $"{Show(item)} is not a label (use a string or a number)."),
            };
            i++;
        }

        return values;
    }

    public static double Number(JsonElement body, string field, double? defaultValue = null)
    {
        if (!TryGetField(body, field, out var value))
        {
            return defaultValue ?? throw new AnalysisInputException(field, "is required.");
        }

        return value.ValueKind == JsonValueKind.Number
            ? Finite(value.GetDouble(), field, null)
            : throw new AnalysisInputException(field, $"{Show(value)} is not a number.");
    }

    public static long WholeNumber(JsonElement body, string field)
    {
        if (!TryGetField(body, field, out var value))
        {
            throw new AnalysisInputException(field, "is required.");
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? InputLimits.IsWithinMagnitude(n) ? n : throw new AnalysisInputException(field, $"{n} is beyond ±{InputLimits.MaxMagnitude:0e0}, the largest magnitude accepted.")
            : throw new AnalysisInputException(field, $"{Show(value)} is not a whole number.");
    }

    public static string? OptionalString(JsonElement body, string field) =>
        TryGetField(body, field, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw new AnalysisInputException(field, "must be a string.")
            : null;

    /// <summary>Text that CSV files and some clients use for a missing value.</summary>
    public static bool IsMissingText(string? text) => Infrastructure.Validation.RequestValues.IsMissingText(text);

    /// <summary>Finite and within ±<see cref="InputLimits.MaxMagnitude"/>, so sums and squares of many values stay finite.</summary>
    private static double Finite(double value, string field, int? index) =>
        !double.IsFinite(value) ? throw new AnalysisInputException(index is null ? field : $"{field}[{index}]", "must be a finite number.")
        : !InputLimits.IsWithinMagnitude(value) ? throw new AnalysisInputException(index is null ? field : $"{field}[{index}]", $"is beyond ±{InputLimits.MaxMagnitude:0e0}, the largest magnitude accepted.")
        : value;

    private static string Show(JsonElement item)
    {
        var text = item.GetRawText();
        return text.Length <= 40 ? text : text[..40] + "…";
    }
}
