using System.Text.Json;

namespace Portal.Web.Features.Ingestion;

// The shapes of ingestion items, for the OpenAPI document. The endpoints read items one by one as JsonElement and
// validate each with ItemFields, so a bad item is rejected alone and the good ones are stored (API.md, "Ingestion").

/// <summary>A prediction: features, the prediction and optionally score, probabilities, latency, segment, experiment arm, error.</summary>
public sealed record PredictionItem(
    string PredictionId,
    DateTimeOffset? Timestamp,
    string? ModelVersion,
    IReadOnlyDictionary<string, JsonElement>? Features,
    JsonElement? Prediction,
    double? Score,
    IReadOnlyDictionary<string, double>? Probabilities,
    double? LatencyMs,
    string? Segment,
    PredictionItem.ExperimentArm? Experiment,
    string? Error)
{
    public sealed record ExperimentArm(string Id, string Variant, string? Unit);
}

/// <summary>The true label of an earlier prediction.</summary>
public sealed record FeedbackItem(string PredictionId, JsonElement Label, DateTimeOffset? Timestamp);

/// <summary>A host's resource sample, of one model (<c>model</c>, or the key's own) or of none.</summary>
public sealed record ResourceItem(
    string Host, string? Model, DateTimeOffset? Timestamp, double? CpuPercent, long? MemoryBytes, double? MemoryPercent, double? GpuPercent, long? GpuMemoryBytes);

/// <summary>A reference dataset as JSON: values by column (CSV with a header row is the other form).</summary>
public sealed record ReferenceColumns(IReadOnlyDictionary<string, JsonElement[]> Columns);
