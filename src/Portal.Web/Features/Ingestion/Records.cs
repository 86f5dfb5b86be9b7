using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Ingestion;

/// <summary>A validated prediction, ready for the writer.</summary>
public sealed class PredictionRecord
{
    public required string PredictionId { get; init; }

    public long TimestampMs { get; init; }

    public string? ModelVersion { get; init; }

    public string? Segment { get; init; }

    public string? ExperimentId { get; init; }

    public string? Variant { get; init; }

    /// <summary>The experiment's randomisation unit the prediction was served to (optional).</summary>
    public string? ExperimentUnit { get; init; }

    /// <summary>Predicted class as text (classifiers).</summary>
    public string? Prediction { get; init; }

    /// <summary>Predicted value (regression), or the class when it is a number.</summary>
    public double? PredictionValue { get; init; }

    public double? Score { get; init; }

    public string? Probabilities { get; init; }

    /// <summary>Confidence of the predicted class, when it can be told (see <see cref="PredictionValidator"/>).</summary>
    public double? Confidence { get; init; }

    public double? LatencyMs { get; init; }

    public string? Error { get; init; }

    /// <summary>The features object as UTF-8 JSON.</summary>
    public byte[]? Features { get; init; }

    public int SchemaViolations { get; init; }

    /// <summary>Values of the schema's features, by schema position: a number (NaN = missing) for numerical ones…</summary>
    public double[] Numbers { get; init; } = [];

    /// <summary>…a category (null = missing) for categorical ones.</summary>
    public string?[] Categories { get; init; } = [];

    /// <summary>Features of a model without a schema, typed by their JSON value (so they still get sketches).</summary>
    public List<InferredFeature>? Inferred { get; init; }
}

public readonly record struct InferredFeature(string Name, double Number, string? Category);

public sealed class FeedbackRecord
{
    public required string PredictionId { get; init; }

    public required string Label { get; init; }

    public double? LabelValue { get; init; }

    public long TimestampMs { get; init; }
}

public sealed class ResourceRecord
{
    public required string Host { get; init; }

    public ModelInfo? Model { get; init; }

    public long TimestampMs { get; init; }

    public double? CpuPercent { get; init; }

    public long? MemoryBytes { get; init; }

    public double? MemoryPercent { get; init; }

    public double? GpuPercent { get; init; }

    public long? GpuMemoryBytes { get; init; }
}

/// <summary>An item that failed validation: its position in the request and every problem found, each naming its field.</summary>
public sealed record RejectedItem(int Index, IReadOnlyList<string> Errors);
