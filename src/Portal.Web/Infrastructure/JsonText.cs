using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Portal.Web.Infrastructure;

/// <summary>
/// The one rule for text in request JSON: it must be valid UTF-8 (System.Text.Json parses a document without checking
/// the bytes inside strings and only fails when a string is read) and must not contain NUL, which PostgreSQL cannot
/// store in text or jsonb (SQLite could; the rule is the same on both providers). Checked on the raw bytes, so the
/// common case (no escapes) allocates nothing.
/// </summary>
public static class JsonText
{
    public const string InvalidUtf8 = "is not valid UTF-8 text.";
    public const string HasNul = "must not contain the NUL character (\\u0000).";

    /// <summary>Why a string is refused, or null when it is acceptable.</summary>
    public static string? Check(string text) => text.Contains('\0') ? HasNul : null;

    /// <summary>The first string value or property name in <paramref name="element"/> that breaks the rule, with its JSON path.</summary>
    public static (string Path, string Reason)? FindBad(JsonElement element) =>
        Find(element) is { } bad ? (bad.Path.Length == 0 ? "$" : bad.Path, bad.Reason) : null;

    /// <summary>
    /// Every string value or property name in <paramref name="element"/> that breaks the rule, with its JSON path, so a
    /// rejected item names them all. Builds a path per property: call it only once <see cref="FindBad"/> found one.
    /// </summary>
    public static List<(string Path, string Reason)> FindAllBad(JsonElement element)
    {
        var found = new List<(string Path, string Reason)>();
        CollectBad(element, "", found);
        return found;
    }

    private static void CollectBad(JsonElement element, string path, List<(string Path, string Reason)> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String when CheckRaw(JsonMarshal.GetRawUtf8Value(element)) is { } reason:
                found.Add((path.Length == 0 ? "$" : path, reason));
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (CheckRaw(JsonMarshal.GetRawUtf8PropertyName(property)) is { } nameReason)
                    {
                        // The name cannot be shown (or read): name the object that holds it.
                        found.Add((path.Length == 0 ? "$" : path, "a property name " + nameReason));
                        continue;
                    }

                    CollectBad(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", found);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    CollectBad(item, $"{path}[{i++}]", found);
                }

                break;
        }
    }

    /// <summary>The path is built only on the way back from a find, so a clean document allocates nothing.</summary>
    private static (string Path, string Reason)? Find(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return CheckRaw(JsonMarshal.GetRawUtf8Value(element)) is { } reason ? ("", reason) : null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (CheckRaw(JsonMarshal.GetRawUtf8PropertyName(property)) is { } nameReason)
                    {
                        return ("", "a property name " + nameReason);
                    }

                    if (Find(property.Value) is { } bad)
                    {
                        return (bad.Path.Length == 0 ? property.Name : bad.Path[0] == '[' ? property.Name + bad.Path : $"{property.Name}.{bad.Path}", bad.Reason);
                    }
                }

                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item) is { } bad)
                    {
                        return (bad.Path.Length == 0 || bad.Path[0] == '[' ? $"[{i}]{bad.Path}" : $"[{i}].{bad.Path}", bad.Reason);
                    }

                    i++;
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>Raw JSON string bytes (escapes not yet decoded): invalid UTF-8, an escaped lone surrogate, or \u0000.</summary>
    private static string? CheckRaw(ReadOnlySpan<byte> raw)
    {
        if (raw.Length >= 2 && raw[0] == (byte)'"')
        {
            raw = raw[1..^1];
        }

        if (!Utf8.IsValid(raw))
        {
            return InvalidUtf8;
        }

        if (raw.IndexOf((byte)'\\') < 0)
        {
            // A raw control byte is not valid JSON, so without escapes there can be no NUL.
            return null;
        }

        string text;
        try
        {
            text = JsonSerializer.Deserialize<string>([(byte)'"', .. raw, (byte)'"'])!;
        }
        catch (JsonException)
        {
            return InvalidUtf8;
        }
        catch (InvalidOperationException)
        {
            return InvalidUtf8;
        }

        return Check(text);
    }
}
