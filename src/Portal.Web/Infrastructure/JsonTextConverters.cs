using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Analysis.Common;

namespace Portal.Web.Infrastructure;

/// <summary>
/// Applies the <see cref="JsonText"/> rule to every string a typed request body binds (records of alert rules,
/// experiments, API keys, …). A JsonException here gets its JSON path from the serializer and is answered by
/// <see cref="ProblemExceptionHandler"/> as a 400 naming that path.
/// </summary>
public sealed class CheckedStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadChecked(ref reader);

    /// <summary>The string at the reader, refused (JsonException) when it breaks the <see cref="JsonText"/> rule.</summary>
    public static string? ReadChecked(ref Utf8JsonReader reader) => Checked(ReadText(ref reader));

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Checked(ReadText(ref reader))!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    private static string? ReadText(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new JsonException($"must be a string, not {reader.TokenType.ToString().ToLowerInvariant()}.");
        }

        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            throw new JsonException(JsonText.InvalidUtf8);
        }
    }

    private static string? Checked(string? text) =>
        text is not null && JsonText.Check(text) is { } reason ? throw new JsonException(reason) : text;
}

/// <summary>
/// Bodies bound as a whole <see cref="JsonElement"/> (models, analysis, settings): parsed as usual, then every string
/// and property name checked once, so no endpoint meets invalid UTF-8 later as a 500 or stores a NUL.
/// </summary>
public sealed class CheckedJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        if (JsonText.FindBad(document.RootElement) is { } bad)
        {
            // Not a JsonException: the serializer would replace the path with the element's own ("$").
            throw new AnalysisInputException(bad.Path, bad.Reason);
        }

        return document.RootElement.Clone();
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);
}
