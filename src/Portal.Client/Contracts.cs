using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Client;

/// <summary>One prediction as API.md describes it. Only <see cref="PredictionId"/> is required.</summary>
public sealed record PredictionEvent
{
    public required string PredictionId { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public string? ModelVersion { get; init; }

    /// <summary>Feature name → number, string, boolean or null.</summary>
    public IReadOnlyDictionary<string, object?>? Features { get; init; }

    /// <summary>The predicted class (string or number) or, for regression, the predicted value.</summary>
    public object? Prediction { get; init; }

    public double? Score { get; init; }

    public IReadOnlyDictionary<string, double>? Probabilities { get; init; }

    public double? LatencyMs { get; init; }

    public string? Segment { get; init; }

    public ExperimentAssignment? Experiment { get; init; }

    /// <summary>Error type of a failed inference.</summary>
    public string? Error { get; init; }
}

public sealed record ExperimentAssignment(string Id, string Variant);

/// <summary>A ground-truth label for an earlier prediction.</summary>
public sealed record FeedbackEvent
{
    public required string PredictionId { get; init; }

    public required object Label { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}

public sealed record ResourceSample
{
    public required string Host { get; init; }

    public string? Model { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public double? CpuPercent { get; init; }

    public long? MemoryBytes { get; init; }

    public double? MemoryPercent { get; init; }

    public double? GpuPercent { get; init; }

    public long? GpuMemoryBytes { get; init; }
}

/// <summary>The answer to an ingestion call: committed items, duplicates, and rejected items with their errors.</summary>
public sealed record IngestResult
{
    public int Accepted { get; init; }

    public int Duplicates { get; init; }

    /// <summary>Feedback only: labels whose prediction was not stored (yet).</summary>
    public int Unmatched { get; init; }

    public IReadOnlyList<RejectedItem> Rejected { get; init; } = [];
}

public sealed record RejectedItem(int Index, IReadOnlyList<string> Errors);

/// <summary>Body of PUT /api/v1/models/{model}.</summary>
public sealed record ModelDefinition
{
    /// <summary>binary, multiclass or regression.</summary>
    public required string TaskType { get; init; }

    public string? Description { get; init; }

    public string? Owner { get; init; }

    public double? LowConfidenceThreshold { get; init; }

    public IReadOnlyList<string>? Versions { get; init; }

    public IReadOnlyList<FeatureDefinition>? Features { get; init; }
}

public sealed record FeatureDefinition
{
    public required string Name { get; init; }

    /// <summary>numerical or categorical.</summary>
    public required string Type { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }

    public double? Importance { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IngestResult))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
