using System.Diagnostics;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Ingestion.Storage;

namespace Portal.Web.Features.Ingestion;

/// <summary>One model's kind of new data in a commit (see <see cref="IngestionWriter.Committed"/>).</summary>
public sealed record CommittedChange(string Model, string What)
{
    public const string Predictions = "predictions";
    public const string Labels = "labels";
    public const string Resources = "resources";
    public const string AnyModel = "*";
}

/// <summary>
/// The single background writer. It takes every request queued so far (up to
/// <see cref="IngestionOptions.MaxItemsPerCommit"/> items), writes their rows and rollups in one transaction
/// (group commit), commits, and only then completes each request, so a 2xx answer means the items are on disk.
/// A group that fails is retried request by request, so one bad request fails alone and its sender is told.
/// On shutdown the queue is closed, everything already queued is committed, then the writer stops.
/// </summary>
public sealed class IngestionWriter(
    IngestionChannel channel,
    IIngestionStore store,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<IngestionWriter> logger,
    IIngestionCommitListener? listener = null) : BackgroundService
{
    private readonly int maxItemsPerCommit = options.Value.MaxItemsPerCommit;

    /// <summary>
    /// Raised after each commit with what got new data: (model, "predictions" | "labels" | "resources"); resources of a
    /// host that named no model come as model "*".
    /// </summary>
    public event Action<IReadOnlyCollection<CommittedChange>>? Committed;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(RunAsync, CancellationToken.None);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        channel.Complete();
        await base.StopAsync(cancellationToken);
        logger.LogInformation("Ingestion writer drained and stopped.");
    }

    private async Task RunAsync()
    {
        var reader = channel.Reader;
        var group = new List<WriteRequest>();
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var items = 0;
            while (items < maxItemsPerCommit && reader.TryRead(out var request))
            {
                group.Add(request);
                items += request.ItemCount;
            }

            var clock = Stopwatch.StartNew();
            try
            {
                Commit(group);
            }
            catch (Exception e)
            {
                // Commit handles storage errors itself; this only guards the loop so the writer never dies.
                logger.LogError(e, "The ingestion writer failed unexpectedly; the group's senders get an error.");
                group.ForEach(r => r.Completion.TrySetException(e));
            }

            channel.Dequeued(items);
            var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-4);
            channel.CommitRate = (0.8 * channel.CommitRate) + (0.2 * (items / seconds));
            group.Clear();
        }
    }

    private void Commit(List<WriteRequest> group)
    {
        try
        {
            var results = Write(group);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception e) when (group.Count > 1)
        {
            logger.LogWarning(e, "A group commit of {Requests} requests failed; retrying them one by one.", group.Count);
            foreach (var request in group)
            {
                Commit([request]);
            }

            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Writing a request of {Items} items failed; its sender gets an error and nothing of it is stored.", group[0].ItemCount);
            group[0].Completion.TrySetException(e);
            return;
        }

        try
        {
            Committed?.Invoke(group.SelectMany(Changes).Distinct().ToList());
        }
        catch (Exception e)
        {
            logger.LogError(e, "A commit listener failed; the data is committed and the writer goes on.");
        }
    }

    private static IEnumerable<CommittedChange> Changes(WriteRequest request) => request switch
    {
        PredictionWrite p => [new CommittedChange(p.Model.Name, CommittedChange.Predictions)],
        FeedbackWrite f => [new CommittedChange(f.Model.Name, CommittedChange.Labels)],
        ResourceWrite r => r.Items.Select(i => new CommittedChange(i.Model?.Name ?? CommittedChange.AnyModel, CommittedChange.Resources)),
        _ => [],
    };

    private WriteResult[] Write(List<WriteRequest> group)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var rollups = new RollupAccumulator();
        var results = new WriteResult[group.Count];
        listener?.Begin();
        using var batch = store.Begin();

        // Every prediction of the group in one call (PostgreSQL: one binary COPY), then each request takes its share.
        var predictions = group.OfType<PredictionWrite>().SelectMany(p => p.Items.Select(item => new PredictionRow(p.Model.Id, item))).ToList();
        var stored = batch.InsertPredictions(predictions, now);
        var offset = 0;
        for (var i = 0; i < group.Count; i++)
        {
            if (group[i] is PredictionWrite p)
            {
                results[i] = WritePredictions(batch, p, stored.AsSpan(offset, p.Items.Count), rollups, listener);
                offset += p.Items.Count;
                continue;
            }

            results[i] = group[i] switch
            {
                FeedbackWrite f => WriteFeedback(batch, f, rollups, now, listener),
                ResourceWrite r => WriteResources(batch, r, rollups, now),
                _ => throw new InvalidOperationException($"Unknown write request {group[i].GetType().Name}."),
            };
        }

        rollups.Flush(batch);
        batch.Commit();
        listener?.Committed();

        return results;
    }

    private static WriteResult WritePredictions(IIngestionBatch batch, PredictionWrite request, ReadOnlySpan<bool> stored, RollupAccumulator rollups, IIngestionCommitListener? listener)
    {
        int accepted = 0, duplicates = 0;
        var versions = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Items.Count; i++)
        {
            var item = request.Items[i];
            if (!stored[i])
            {
                duplicates++;
                continue;
            }

            accepted++;
            rollups.AddPrediction(request.Model, item);
            listener?.AddPrediction(request.Model, item);
            if (item.ModelVersion is { } version && versions.Add(version))
            {
                batch.EnsureVersion(request.Model.Id, version);
            }
        }

        return new WriteResult(accepted, duplicates);
    }

    private static WriteResult WriteFeedback(IIngestionBatch batch, FeedbackWrite request, RollupAccumulator rollups, long now, IIngestionCommitListener? listener)
    {
        int accepted = 0, duplicates = 0, unmatched = 0;
        foreach (var item in request.Items)
        {
            var prediction = batch.FindPrediction(request.Model.Id, item.PredictionId);
            if (!batch.InsertFeedback(request.Model.Id, item, prediction is not null, now))
            {
                duplicates++;
                continue;
            }

            accepted++;
            if (prediction is null)
            {
                unmatched++;
            }
            else
            {
                rollups.AddFeedback(request.Model, item, prediction);
                listener?.AddLabel(request.Model, item, prediction);
            }
        }

        return new WriteResult(accepted, duplicates, unmatched);
    }

    private static WriteResult WriteResources(IIngestionBatch batch, ResourceWrite request, RollupAccumulator rollups, long now)
    {
        foreach (var item in request.Items)
        {
            batch.InsertResource(item, now);
            rollups.AddResource(item);
        }

        return new WriteResult(request.Items.Count, 0);
    }
}
