namespace Portal.Data.Entities;

/// <summary>What a model predicts; decides which quality metrics apply.</summary>
public enum ModelTaskType
{
    Binary,
    Multiclass,
    Regression,
}

/// <summary>A monitored model, addressed by its unique <see cref="Name"/> in every API route.</summary>
public sealed class MlModel
{
    public const int NameMaxLength = 100;

    /// <summary>Confidence below which a classification counts as low-confidence, unless the model says otherwise.</summary>
    public const double DefaultLowConfidenceThreshold = 0.6;

    public int Id { get; set; }

    public required string Name { get; set; }

    public ModelTaskType TaskType { get; set; }

    public string? Description { get; set; }

    public string? Owner { get; set; }

    public double LowConfidenceThreshold { get; set; } = DefaultLowConfidenceThreshold;

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public List<ModelVersion> Versions { get; set; } = [];

    public List<ModelFeature> Features { get; set; } = [];
}
