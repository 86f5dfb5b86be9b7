using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Models;

/// <summary>
/// The body of <c>PUT /api/v1/models/{model}</c>. Every field is optional on update; a description or owner that is
/// present and null clears it, an absent one keeps it (hence the Has… flags the setters keep). <c>versions</c> items
/// are a version string or <c>{"version", "description"}</c>; <c>features</c>, when given, replaces the whole schema.
/// </summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed class ModelPutRequest
{
    private readonly string? description;
    private readonly string? owner;

    public string? TaskType { get; init; }

    public string? Description
    {
        get => description;
        init => (description, HasDescription) = (value, true);
    }

    public string? Owner
    {
        get => owner;
        init => (owner, HasOwner) = (value, true);
    }

    [JsonIgnore]
    public bool HasDescription { get; private init; }

    [JsonIgnore]
    public bool HasOwner { get; private init; }

    public double? LowConfidenceThreshold { get; init; }

    public VersionSpec?[]? Versions { get; init; }

    public FeatureSpec?[]? Features { get; init; }

    /// <summary>A version: <c>"v2"</c> or <c>{"version": "v2", "description": "…"}</c>.</summary>
    [JsonConverter(typeof(VersionSpecConverter))]
    public sealed record VersionSpec(string? Version, string? Description);

    /// <summary>A feature of the schema; categories may be numbers (taken as their text).</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public sealed record FeatureSpec(string? Name, string? Type, double? Min, double? Max, JsonScalar[]? Categories, double? Importance);

    public sealed record VersionObject(string? Version, string? Description);

    public sealed class VersionSpecConverter : JsonConverter<VersionSpec>
    {
        public override VersionSpec? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => new VersionSpec(CheckedStringConverter.ReadChecked(ref reader), null),
            JsonTokenType.StartObject => JsonSerializer.Deserialize<VersionObject>(ref reader, options) is { } v ? new VersionSpec(v.Version, v.Description) : null,
            _ => throw new JsonException("must be a version string or {\"version\": ..., \"description\": ...}."),
        };

        public override void Write(Utf8JsonWriter writer, VersionSpec value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, new VersionObject(value.Version, value.Description), options);
    }
}
