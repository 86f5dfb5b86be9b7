using System.Globalization;
using System.Text.Json;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Ingestion;

/// <summary>
/// Reads the fields of one ingested item, collecting an error per bad field ("field: what is wrong")
/// instead of stopping at the first, so a rejected item lists everything to fix.
/// </summary>
public sealed class ItemFields(JsonElement item, ValidationProblems problems, string pathPrefix = "")
{
    /// <summary>How far ahead of the server clock a timestamp may be.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    public const int MaxCategoryLength = 256;

    public JsonElement Item => item;

    /// <summary>Where the errors go: the item's own collection.</summary>
    public ValidationProblems Problems => problems;

    /// <summary>Adds an error at the field's path (under <c>pathPrefix</c> for a nested object such as <c>experiment.</c>).</summary>
    public void Error(string field, string reason) => problems.Add(pathPrefix + field, reason);

    public bool TryGet(string field, out JsonElement value) =>
        item.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;

    public string? String(string field, int maxLength, bool required = false)
    {
        if (!TryGet(field, out var value))
        {
            if (required)
            {
                Error(field, "is required.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(field, $"must be a string, not {Describe(value)}.");
            return null;
        }

        var text = value.GetString()!;
        if (required && text.Length == 0)
        {
            Error(field, "must not be empty.");
            return null;
        }

        if (text.Length > maxLength)
        {
            Error(field, $"is {text.Length} characters long; at most {maxLength} are allowed.");
            return null;
        }

        return text;
    }

    public double? Number(string field, double? min = null, double? max = null, bool required = false)
    {
        if (!TryGet(field, out var value))
        {
            if (required)
            {
                Error(field, "is required.");
            }

            return null;
        }

        var number = ReadNumber(value, field);
        if (number is not { } n)
        {
            return null;
        }

        if ((min is { } lo && n < lo) || (max is { } hi && n > hi))
        {
            Error(field, $"{n.ToString(CultureInfo.InvariantCulture)} is outside [{Show(min, "-∞")}, {Show(max, "∞")}].");
            return null;
        }

        return n;
    }

    public long? WholeNumber(string field, long min = 0)
    {
        if (Number(field, min) is not { } n)
        {
            return null;
        }

        if (n != Math.Floor(n) || n > long.MaxValue)
        {
            Error(field, "must be a whole number.");
            return null;
        }

        return (long)n;
    }

    /// <summary>
    /// A finite JSON number within ±<see cref="InputLimits.MaxMagnitude"/> (unless <paramref name="bounded"/> is false:
    /// numbers that are only labels, never summed); "NaN"/"Infinity" (as strings, the only way JSON can carry them)
    /// are named as such.
    /// </summary>
    public double? ReadNumber(JsonElement value, string field, bool bounded = true)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetDouble(out var n) && double.IsFinite(n):
                if (bounded && !InputLimits.IsWithinMagnitude(n))
                {
                    Error(field, $"{Shorten(value.GetRawText())} is beyond ±{InputLimits.MaxMagnitude:0e0}, the largest magnitude accepted.");
                    return null;
                }

                return n;
            case JsonValueKind.Number:
                Error(field, $"{value.GetRawText()} is not a finite number.");
                return null;
            case JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && !double.IsFinite(s):
                Error(field, $"\"{value.GetString()}\" is not a finite number (NaN and Infinity are not accepted).");
                return null;
            default:
                Error(field, $"must be a number, not {Describe(value)}.");
                return null;
        }
    }

    /// <summary>RFC 3339 timestamp (UTC assumed when the offset is missing), at most 5 minutes ahead; absent = now.</summary>
    public long Timestamp(string field, long nowMs)
    {
        if (!TryGet(field, out var value))
        {
            return nowMs;
        }

        // Fast path without allocating: an ISO 8601 string that ends in Z (UTC), as most clients send.
        if (value.ValueKind == JsonValueKind.String && EndsInZ(value) && value.TryGetDateTimeOffset(out var utc))
        {
            return Check(field, utc, nowMs);
        }

        if (value.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var at))
        {
            Error(field, $"{Shorten(value.GetRawText())} is not an RFC 3339 date-time (e.g. 2026-11-24T21:30:00Z).");
            return nowMs;
        }

        return Check(field, at, nowMs);
    }

    private static bool EndsInZ(JsonElement value)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value);
        return raw.Length > 2 && raw[^2] is (byte)'Z' or (byte)'z';
    }

    private long Check(string field, DateTimeOffset at, long nowMs)
    {
        var ms = at.ToUnixTimeMilliseconds();
        if (ms < 0)
        {
            Error(field, "must be after 1970-01-01.");
        }
        else if (ms > nowMs + (long)MaxFutureSkew.TotalMilliseconds)
        {
            Error(field, $"{at.UtcDateTime:O} is more than 5 minutes in the future (server time {DateTimeOffset.FromUnixTimeMilliseconds(nowMs).UtcDateTime:O}).");
        }

        return ms;
    }

    /// <summary>A class label: a string, a number (formatted invariantly, so 1 and 1.0 agree) or a boolean.</summary>
    public string? Label(JsonElement value, string field, out double? asNumber)
    {
        asNumber = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (text.Length is 0 or > Data.Entities.PredictionEvent.PredictionIdMaxLength)
                {
                    Error(field, $"must be 1 to {Data.Entities.PredictionEvent.PredictionIdMaxLength} characters long.");
                    return null;
                }

                return text;
            case JsonValueKind.Number:
                asNumber = ReadNumber(value, field);
                return asNumber?.ToString(CultureInfo.InvariantCulture);
            case JsonValueKind.True:
                asNumber = 1;
                return "1";
            case JsonValueKind.False:
                asNumber = 0;
                return "0";
            default:
                Error(field, $"must be a class label (string, number or boolean), not {Describe(value)}.");
                return null;
        }
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Shorten(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => Shorten(value.GetRawText()),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Show(double? bound, string open) => bound?.ToString(CultureInfo.InvariantCulture) ?? open;
}
