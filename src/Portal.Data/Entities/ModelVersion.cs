namespace Portal.Data.Entities;

/// <summary>A version of a model; registered by PUT /models/{model} or on the first prediction that names it.</summary>
public sealed class ModelVersion
{
    public const int VersionMaxLength = 64;

    public int Id { get; set; }

    public int ModelId { get; set; }

    public required string Version { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
