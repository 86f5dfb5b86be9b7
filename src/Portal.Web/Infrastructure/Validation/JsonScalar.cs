using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Web.Infrastructure.Validation;

/// <summary>
/// One JSON number, string, boolean or null, for request fields that clients fill with either (labels, categories,
/// column values): the record stays typed and the validator decides what the field accepts. Text obeys the
/// <see cref="JsonText"/> rule; anything else (an array, an object) does not bind and is a 400 naming its path.
/// </summary>
[JsonConverter(typeof(JsonScalarConverter))]
public readonly record struct JsonScalar(JsonValueKind Kind, double Number, string? Text)
{
    public bool IsNull => Kind == JsonValueKind.Null;

    /// <summary>The value as text: strings as sent, numbers invariant (so 1 and 1.0 agree), booleans as true/false.</summary>
    public string? AsText() => Kind switch
    {
        JsonValueKind.String => Text,
        JsonValueKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>The value as an error message shows it: <c>"abc"</c>, <c>true</c>, at most 40 characters.</summary>
    public override string ToString()
    {
        var shown = Kind == JsonValueKind.String ? $"\"{Text}\"" : AsText() ?? "null";
        return shown.Length <= 40 ? shown : shown[..40] + "…";
    }
}

public sealed class JsonScalarConverter : JsonConverter<JsonScalar>
{
    public override bool HandleNull => true;

    public override JsonScalar Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => new JsonScalar(JsonValueKind.Null, 0, null),
        JsonTokenType.True => new JsonScalar(JsonValueKind.True, 0, null),
        JsonTokenType.False => new JsonScalar(JsonValueKind.False, 0, null),
        JsonTokenType.String => new JsonScalar(JsonValueKind.String, 0, CheckedStringConverter.ReadChecked(ref reader)),
        JsonTokenType.Number => reader.TryGetDouble(out var number)
            ? new JsonScalar(JsonValueKind.Number, number, null)
            : throw new JsonException("must be a finite number."),
        _ => throw new JsonException("must be a number, a string, true, false or null."),
    };

    public override void Write(Utf8JsonWriter writer, JsonScalar value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case JsonValueKind.Number: writer.WriteNumberValue(value.Number); break;
            case JsonValueKind.String: writer.WriteStringValue(value.Text); break;
            case JsonValueKind.True or JsonValueKind.False: writer.WriteBooleanValue(value.Kind == JsonValueKind.True); break;
            default: writer.WriteNullValue(); break;
        }
    }
}
