using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.ScaleOut;

namespace Portal.Web.Infrastructure.Models;

/// <summary>A model as the ingestion path (and the features fed by it) needs it: id, task, and its feature schema indexed by name.</summary>
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
/// Only models that exist are cached (at most <see cref="MaxEntries"/>), so made-up names cannot fill memory.
/// A change through the API invalidates its entry at once, on other nodes too when they share Redis
/// (<see cref="IClusterEvents"/>); without it other nodes see it within <see cref="Ttl"/>.
/// </summary>
public sealed class ModelCatalog(IDbContextFactory<PortalDbContext> contexts, TimeProvider time, IClusterEvents? cluster = null)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ModelInfo Model, DateTimeOffset Expires)> cache = new(StringComparer.Ordinal);

    /// <summary>Models held in the cache now.</summary>
    public int CachedCount => cache.Count;

    public async ValueTask<ModelInfo?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await FindManyAsync([name], cancellationToken)).GetValueOrDefault(name);

    /// <summary>The models of <paramref name="names"/> that exist, by name; the ones not cached are read in one query.</summary>
    public async Task<IReadOnlyDictionary<string, ModelInfo>> FindManyAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, ModelInfo>(StringComparer.Ordinal);
        var missing = new List<string>();
        var now = time.GetUtcNow();
        foreach (var name in names)
        {
            if (cache.TryGetValue(name, out var entry) && entry.Expires > now)
            {
                found[name] = entry.Model;
            }
            else
            {
                missing.Add(name);
            }
        }

        if (missing.Count == 0)
        {
            return found;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // One array parameter, however many names (EF's default would make one SQL parameter per name).
        var models = await db.Models.AsNoTracking().Include(m => m.Features).Where(m => EF.Parameter(missing).Contains(m.Name)).ToListAsync(cancellationToken);
        foreach (var info in models.Select(ToInfo))
        {
            Remember(info, now + Ttl);
            found[info.Name] = info;
        }

        return found;
    }

    /// <summary>Forgets the model here and on the other nodes.</summary>
    public void Invalidate(string name)
    {
        Forget(name);
        cluster?.Publish(ClusterTopics.ModelChanged, name);
    }

    /// <summary>Forgets the model on this node only (another node changed it).</summary>
    public void Forget(string name) => cache.TryRemove(name, out _);

    private void Remember(ModelInfo info, DateTimeOffset expires)
    {
        if (cache.Count >= MaxEntries && !cache.ContainsKey(info.Name))
        {
            var now = time.GetUtcNow();
            foreach (var (name, entry) in cache)
            {
                if (entry.Expires <= now)
                {
                    cache.TryRemove(name, out _);
                }
            }

            if (cache.Count >= MaxEntries)
            {
                return;
            }
        }

        cache[info.Name] = (info, expires);
    }

    public static ModelInfo ToInfo(MlModel model) => new(
        model.Id,
        model.Name,
        model.TaskType,
        model.LowConfidenceThreshold,
        model.Features.OrderBy(f => f.Ordinal)
            .Select(f => new FeatureInfo(f.Name, f.Type, f.Min, f.Max, f.Categories.ToHashSet(StringComparer.Ordinal)))
            .ToList());
}
