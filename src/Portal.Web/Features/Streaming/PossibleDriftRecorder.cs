using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities.Streaming;
using Portal.Web.Realtime;

namespace Portal.Web.Features.Streaming;

/// <summary>
/// Stores detector signals as <see cref="PossibleDriftEvent"/> rows: a signal within
/// <see cref="StreamingOptions.DeduplicationMinutes"/> of a stored event of the same model, detector and signal (by
/// this node or, checked in the database under a per-model PostgreSQL advisory lock, another one) is dropped, also when
/// two nodes detect the same shift at once. Publishes a model change so open tabs refresh.
/// </summary>
public sealed class PossibleDriftRecorder(
    IServiceScopeFactory scopes,
    IModelChangeNotifier notifier,
    StreamingMetrics metrics,
    TimeProvider time,
    IOptions<StreamingOptions> options)
{
    /// <summary>The kind published with the model change.</summary>
    public const string ChangeKind = "possible-drift";

    private readonly TimeSpan window = TimeSpan.FromMinutes(Math.Max(0, options.Value.DeduplicationMinutes));
    private readonly Dictionary<(int, string, string), DateTime> lastStored = [];

    /// <returns>The events stored.</returns>
    public async Task<IReadOnlyList<PossibleDriftEvent>> SaveAsync(IReadOnlyList<DetectorSignal> signals, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();

        // Another node may detect the same shift at the same moment: per model, one node at a time checks and stores.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var modelId in signals.Select(s => s.ModelId).Distinct().Order())
        {
            await db.Database.LockUntilCommitAsync(ClusterLockKeys.PossibleDrift(modelId), cancellationToken);
        }

        var stored = new List<(PossibleDriftEvent Event, string Model)>();
        foreach (var s in signals)
        {
            var key = (s.ModelId, s.Detector, s.Signal);
            if (lastStored.TryGetValue(key, out var last) && now - last < window)
            {
                continue;
            }

            var since = now - window;
            lastStored[key] = now;
            if (window > TimeSpan.Zero && await db.PossibleDriftEvents.AnyAsync(e => e.ModelId == s.ModelId && e.Detector == s.Detector && e.Signal == s.Signal && e.At > since, cancellationToken))
            {
                continue;
            }

            var entity = new PossibleDriftEvent
            {
                ModelId = s.ModelId, Version = s.Version, At = now, Detector = s.Detector, Signal = s.Signal, Statistic = s.Statistic,
                Threshold = s.Threshold, MeanBefore = s.MeanBefore, MeanAfter = s.MeanAfter, ValuesSeen = s.ValuesSeen,
            };
            db.PossibleDriftEvents.Add(entity);
            stored.Add((entity, s.Model));
        }

        if (stored.Count == 0)
        {
            return [];
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var (e, model) in stored)
        {
            metrics.EventStored(model, e.Detector, e.Signal);
        }

        foreach (var model in stored.Select(s => s.Model).Distinct())
        {
            notifier.Publish(model, ChangeKind);
        }

        return stored.Select(s => s.Event).ToList();
    }
}
