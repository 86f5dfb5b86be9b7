using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.ScaleOut;

namespace Portal.Web.Features.Ingestion;

/// <summary>A model as the ingestion path needs it: id, task, and its feature schema indexed by name.</summary>
public sealed record ModelInfo(int Id, string Name, ModelTaskType TaskType, double LowConfidenceThreshold, IReadOnlyList<FeatureInfo> Features)
{
    public IReadOnlyDictionary<string, int> FeatureIndex { get; } =
        Features.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    public bool IsClassifier => TaskType != ModelTaskType.Regression;
}

public sealed record FeatureInfo(string Name, FeatureType Type, double? Min, double? Max, IReadOnlySet<string> Categories)
{
    /// <summary>"features.name", the field that item errors name.</summary>
    public string Field { get; } = "features." + Name;
}

/// <summary>
/// Models by name, cached for a few seconds so the ingestion hot path does not query the database per request.
/// A change through the API invalidates its entry at once, on other nodes too when they share Redis
/// (<see cref="IClusterEvents"/>); without it other nodes see it within <see cref="Ttl"/>.
/// </summary>
public sealed class ModelCatalog(IServiceScopeFactory scopes, TimeProvider time, IClusterEvents? cluster = null)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (ModelInfo? Model, DateTimeOffset Expires)> cache = new(StringComparer.Ordinal);

    public async ValueTask<ModelInfo?> FindAsync(string name, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(name, out var entry) && entry.Expires > time.GetUtcNow())
        {
            return entry.Model;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var model = await db.Models.AsNoTracking().Include(m => m.Features).FirstOrDefaultAsync(m => m.Name == name, cancellationToken);
        var info = model is null ? null : ToInfo(model);
        cache[name] = (info, time.GetUtcNow() + Ttl);
        return info;
    }

    /// <summary>Forgets the model here and on the other nodes.</summary>
    public void Invalidate(string name)
    {
        Forget(name);
        cluster?.Publish(ClusterTopics.ModelChanged, name);
    }

    /// <summary>Forgets the model on this node only (another node changed it).</summary>
    public void Forget(string name) => cache.TryRemove(name, out _);

    public static ModelInfo ToInfo(MlModel model) => new(
        model.Id,
        model.Name,
        model.TaskType,
        model.LowConfidenceThreshold,
        model.Features.OrderBy(f => f.Ordinal)
            .Select(f => new FeatureInfo(f.Name, f.Type, f.Min, f.Max, f.Categories.ToHashSet(StringComparer.Ordinal)))
            .ToList());
}
