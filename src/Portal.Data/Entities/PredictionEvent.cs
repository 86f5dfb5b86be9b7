namespace Portal.Data.Entities;

/// <summary>
/// One raw prediction as received. Written by the ingestion writer with prepared statements (not EF change
/// tracking); features are kept compactly as the UTF-8 JSON object that was sent. Deleted after
/// <c>Portal:Retention:RawDays</c>; dashboards read the rollups instead.
/// </summary>
public sealed class PredictionEvent
{
    public const int PredictionIdMaxLength = 128;
    public const int ShortTextMaxLength = 64;
    public const int ErrorMaxLength = 256;

    public long Id { get; set; }

    public int ModelId { get; set; }

    /// <summary>The client's id, unique per model: a repeat is an idempotent duplicate.</summary>
    public required string PredictionId { get; set; }

    /// <summary>Unix time in milliseconds (UTC).</summary>
    public long TimestampMs { get; set; }

    public string? ModelVersion { get; set; }

    public string? Segment { get; set; }

    public string? ExperimentId { get; set; }

    public string? Variant { get; set; }

    /// <summary>The experiment's randomisation unit (user, session, …) the prediction was served to, when sent.</summary>
    public string? ExperimentUnit { get; set; }

    /// <summary>The predicted class (as text) or, for regression, the predicted value as text.</summary>
    public string? Prediction { get; set; }

    /// <summary>The predicted value of a regression model, or the class as a number when it is one.</summary>
    public double? PredictionValue { get; set; }

    public double? Score { get; set; }

    /// <summary>Class probabilities as the JSON object that was sent.</summary>
    public string? Probabilities { get; set; }

    public double? LatencyMs { get; set; }

    /// <summary>Error type of a failed inference.</summary>
    public string? Error { get; set; }

    /// <summary>The features object as UTF-8 JSON.</summary>
    public byte[]? Features { get; set; }

    /// <summary>Features not in the model's schema, counted per item.</summary>
    public int SchemaViolations { get; set; }

    public long ReceivedAtMs { get; set; }
}
