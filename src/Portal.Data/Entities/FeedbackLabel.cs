namespace Portal.Data.Entities;

/// <summary>A ground-truth label, joined to its prediction by (model, predictionId); it may arrive days later.</summary>
public sealed class FeedbackLabel
{
    public long Id { get; set; }

    public int ModelId { get; set; }

    public required string PredictionId { get; set; }

    /// <summary>The label as text (a class, or a regression target formatted invariantly).</summary>
    public required string Label { get; set; }

    public double? LabelValue { get; set; }

    public long TimestampMs { get; set; }

    /// <summary>Whether the prediction was stored when the label arrived (and so counted in the quality rollup).</summary>
    public bool Matched { get; set; }

    public long ReceivedAtMs { get; set; }
}
