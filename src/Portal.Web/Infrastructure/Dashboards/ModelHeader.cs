using Portal.Data.Entities;

namespace Portal.Web.Infrastructure.Dashboards;

/// <summary>What a model page needs to know about the model itself.</summary>
public sealed record ModelHeader(
    int Id, string Name, ModelTaskType TaskType, string? Description, string? Owner,
    IReadOnlyList<string> Versions, IReadOnlyList<ModelFeature> Features)
{
    public bool IsClassifier => TaskType != ModelTaskType.Regression;

    public string Task => TaskType.ToString().ToLowerInvariant();
}
