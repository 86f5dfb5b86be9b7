using System.Globalization;
using System.Text.Json;
using Portal.Analysis.Common;

namespace Portal.Web.Features.Analysis;

/// <summary>Reads request JSON field by field so every error names the field (and item index) at fault.</summary>
public static class JsonInput
{
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
        body.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null
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
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return defaultValue ?? throw new AnalysisInputException(field, "is required.");
        }

        return value.ValueKind == JsonValueKind.Number
            ? Finite(value.GetDouble(), field, null)
            : throw new AnalysisInputException(field, $"{Show(value)} is not a number.");
    }

    public static long WholeNumber(JsonElement body, string field)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new AnalysisInputException(field, "is required.");
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : throw new AnalysisInputException(field, $"{Show(value)} is not a whole number.");
    }

    public static string? OptionalString(JsonElement body, string field) =>
        body.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw new AnalysisInputException(field, "must be a string.")
            : null;

    /// <summary>Text that CSV files and some clients use for a missing value.</summary>
    public static bool IsMissingText(string? text) =>
        string.IsNullOrWhiteSpace(text) || text.Trim() is "NA" or "N/A" or "NaN" or "nan" or "null" or "NULL" or "None";

    private static double Finite(double value, string field, int? index) =>
        double.IsFinite(value) ? value : throw new AnalysisInputException(index is null ? field : $"{field}[{index}]", "must be a finite number.");

    private static string Show(JsonElement item)
    {
        var text = item.GetRawText();
        return text.Length <= 40 ? text : text[..40] + "…";
    }
}
