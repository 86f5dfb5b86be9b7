using System.Text.Json;

namespace Portal.Web.Infrastructure.Validation;

/// <summary>
/// The checks typed request records share, each adding its errors to a <see cref="ValidationProblems"/> by JSON path
/// (<c>yTrue[3]</c>, <c>control.trials</c>) and returning a usable value, so a validator reads every field and the
/// caller throws once with all errors (<see cref="ValidationProblems.ThrowIfAny"/>).
/// </summary>
public static class RequestValues
{
    /// <summary>Bad items named per array; beyond these a huge body of bad values would make a huge answer.</summary>
    public const int MaxErrorsPerArray = 10;

    /// <summary>The body itself: a JSON null (or no body) where an object is expected is a 400 naming <c>$</c>.</summary>
    public static T RequireBody<T>(T? body) where T : class =>
        body ?? throw new InputValidationException(new Dictionary<string, string[]> { ["$"] = ["The body must be a JSON object."] });

    /// <summary>A required field: null when absent, with "is required" added.</summary>
    public static T? Required<T>(this ValidationProblems problems, T? value, string path, string? hint = null) where T : class
    {
        if (value is null)
        {
            problems.Add(path, hint is null ? "is required." : $"is required: {hint}");
        }

        return value;
    }

    /// <summary>A required array that must not be empty (unless <paramref name="allowEmpty"/>).</summary>
    public static IReadOnlyList<T>? RequiredArray<T>(this ValidationProblems problems, IReadOnlyList<T>? values, string path, bool allowEmpty = false)
    {
        if (values is null)
        {
            problems.Add(path, "is required.");
        }
        else if (!allowEmpty && values.Count == 0)
        {
            problems.Add(path, "must not be empty.");
        }

        return values;
    }

    /// <summary>A required number within ±<see cref="InputLimits.MaxMagnitude"/>; NaN (with the error) when absent or out of range.</summary>
    public static double Number(this ValidationProblems problems, double? value, string path, double? defaultValue = null)
    {
        if (value is null && defaultValue is null)
        {
            problems.Add(path, "is required.");
            return double.NaN;
        }

        return problems.Finite(value ?? defaultValue!.Value, path);
    }

    /// <summary>A whole number within ±<see cref="InputLimits.MaxMagnitude"/>; 0 (with the error) when absent or out of range.</summary>
    public static long WholeNumber(this ValidationProblems problems, long? value, string path, long? defaultValue = null)
    {
        var n = value ?? defaultValue;
        if (n is null)
        {
            problems.Add(path, "is required.");
            return 0;
        }

        if (!InputLimits.IsWithinMagnitude(n.Value))
        {
            problems.Add(path, $"{n} is beyond ±{InputLimits.MaxMagnitude:0e0}, the largest magnitude accepted.");
            return 0;
        }

        return n.Value;
    }

    /// <summary>Finite and within ±<see cref="InputLimits.MaxMagnitude"/>, so sums and squares of many values stay finite.</summary>
    public static double Finite(this ValidationProblems problems, double value, string path)
    {
        if (!double.IsFinite(value))
        {
            problems.Add(path, "must be a finite number.");
            return double.NaN;
        }

        if (!InputLimits.IsWithinMagnitude(value))
        {
            problems.Add(path, $"is beyond ±{InputLimits.MaxMagnitude:0e0}, the largest magnitude accepted.");
            return double.NaN;
        }

        return value;
    }

    /// <summary>Numbers of an array, each checked by <see cref="Finite"/>.</summary>
    public static double[] Numbers(this ValidationProblems problems, IReadOnlyList<double> values, string path)
    {
        var result = new double[values.Count];
        var bad = 0;
        for (var i = 0; i < values.Count; i++)
        {
            result[i] = bad < MaxErrorsPerArray ? problems.Finite(values[i], $"{path}[{i}]") : values[i];
            bad += double.IsNaN(result[i]) ? 1 : 0;
        }

        return result;
    }

    /// <summary>Numbers from JSON scalars; null or missing-value text (NA, "") becomes NaN only when <paramref name="allowMissing"/>.</summary>
    public static double[] Numbers(this ValidationProblems problems, IReadOnlyList<JsonScalar> values, string path, bool allowMissing = false)
    {
        var result = new double[values.Count];
        var bad = 0;
        for (var i = 0; i < values.Count && bad < MaxErrorsPerArray; i++)
        {
            var value = values[i];
            if (value.Kind == JsonValueKind.Number)
            {
                result[i] = problems.Finite(value.Number, $"{path}[{i}]");
                bad += double.IsNaN(result[i]) ? 1 : 0;
                continue;
            }

            if (allowMissing && (value.IsNull || (value.Kind == JsonValueKind.String && IsMissingText(value.Text))))
            {
                result[i] = double.NaN;
                continue;
            }

            problems.Add($"{path}[{i}]", value.IsNull ? "is null; a number is required." : $"{value} is not a number.");
            bad++;
        }

        return result;
    }

    /// <summary>Labels or categories as text (numbers invariant, so 1 and 1.0 agree); null only when <paramref name="allowMissing"/>.</summary>
    public static string?[] Strings(this ValidationProblems problems, IReadOnlyList<JsonScalar> values, string path, bool allowMissing = false)
    {
        var result = new string?[values.Count];
        var bad = 0;
        for (var i = 0; i < values.Count && bad < MaxErrorsPerArray; i++)
        {
            var value = values[i];
            if (value.IsNull && !allowMissing)
            {
                problems.Add($"{path}[{i}]", "is null; a value is required.");
                bad++;
            }
            else if (value.Kind == JsonValueKind.Number && double.IsNaN(problems.Finite(value.Number, $"{path}[{i}]")))
            {
                bad++;
            }
            else
            {
                result[i] = value.AsText();
            }
        }

        return result;
    }

    /// <summary>Text that CSV files and some clients use for a missing value.</summary>
    public static bool IsMissingText(string? text) =>
        string.IsNullOrWhiteSpace(text) || text.Trim() is "NA" or "N/A" or "NaN" or "nan" or "null" or "NULL" or "None";

    /// <summary>At most <paramref name="max"/> characters; longer text is an error (and returned as is).</summary>
    public static string? Limited(this ValidationProblems problems, string? text, string path, int max)
    {
        if (text is not null && text.Length > max)
        {
            problems.Add(path, $"is {text.Length} characters long; at most {max} are allowed.");
        }

        return text;
    }

    /// <summary>
    /// A field whose shape depends on another (an experiment arm is values or {successes, trials}): bound once that is
    /// known, with a binding error named by the field's full path.
    /// </summary>
    public static T? Bind<T>(this ValidationProblems problems, JsonElement? value, string path, JsonSerializerOptions options) where T : class
    {
        if (value is not { ValueKind: not JsonValueKind.Null } element)
        {
            problems.Add(path, "is required.");
            return null;
        }

        try
        {
            return element.Deserialize<T>(options) ?? throw new JsonException("is required.");
        }
        catch (JsonException e)
        {
            var inner = e.Path is { Length: > 1 } p ? p[1..] : "";
            var reason = e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) ? "has the wrong JSON type." : e.Message;
            problems.Add(path + inner, reason.Split(" Path: ")[0]);
            return null;
        }
    }
}
