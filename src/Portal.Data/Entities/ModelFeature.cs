namespace Portal.Data.Entities;

public enum FeatureType
{
    Numerical,
    Categorical,
}

/// <summary>One feature of a model's schema: its type, expected range or categories, and importance.</summary>
public sealed class ModelFeature
{
    public const int NameMaxLength = 128;

    public int Id { get; set; }

    public int ModelId { get; set; }

    public required string Name { get; set; }

    public FeatureType Type { get; set; }

    /// <summary>Expected range of a numerical feature (either end may be open).</summary>
    public double? Min { get; set; }

    public double? Max { get; set; }

    /// <summary>Expected categories of a categorical feature; empty means "any".</summary>
    public List<string> Categories { get; set; } = [];

    public double? Importance { get; set; }

    /// <summary>Position in the schema as given.</summary>
    public int Ordinal { get; set; }
}
