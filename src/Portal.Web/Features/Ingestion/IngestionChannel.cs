using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Ingestion;

/// <summary>Work for the background writer; <see cref="Completion"/> is set once the items are committed (or failed).</summary>
public abstract class WriteRequest
{
    public TaskCompletionSource<WriteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public abstract int ItemCount { get; }
}

public sealed class PredictionWrite(ModelInfo model, IReadOnlyList<PredictionRecord> items) : WriteRequest
{
    public ModelInfo Model => model;

    public IReadOnlyList<PredictionRecord> Items => items;

    public override int ItemCount => items.Count;
}

public sealed class FeedbackWrite(ModelInfo model, IReadOnlyList<FeedbackRecord> items) : WriteRequest
{
    public ModelInfo Model => model;

    public IReadOnlyList<FeedbackRecord> Items => items;

    public override int ItemCount => items.Count;
}

public sealed class ResourceWrite(IReadOnlyList<ResourceRecord> items) : WriteRequest
{
    public IReadOnlyList<ResourceRecord> Items => items;

    public override int ItemCount => items.Count;
}

/// <summary>Committed: new items stored; duplicates (repeated ids, not stored again); labels whose prediction was not found.</summary>
public sealed record WriteResult(int Accepted, int Duplicates, int Unmatched = 0);

/// <summary>
/// The bounded queue between the endpoints and the single background writer. It is bounded by queued items
/// (<see cref="IngestionOptions.MaxQueuedItems"/>): when full, <see cref="TrySubmit"/> refuses and the endpoint
/// answers 429 with <see cref="RetryAfterSeconds"/>. After shutdown began it refuses too (503).
/// </summary>
public sealed class IngestionChannel
{
    private readonly Channel<WriteRequest> channel = Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int maxQueuedItems;
    private long queuedItems;

    public IngestionChannel(IOptions<IngestionOptions> options)
    {
        maxQueuedItems = options.Value.MaxQueuedItems;
    }

    public enum SubmitResult
    {
        Queued,
        Full,
        ShuttingDown,
    }

    public long QueuedItems => Interlocked.Read(ref queuedItems);

    /// <summary>Items per second the writer committed recently (an estimate for Retry-After).</summary>
    public double CommitRate { get; set; } = 50_000;

    public int RetryAfterSeconds => (int)Math.Clamp(Math.Ceiling(QueuedItems / Math.Max(CommitRate, 1)), 1, 30);

    public ChannelReader<WriteRequest> Reader => channel.Reader;

    public SubmitResult TrySubmit(WriteRequest request)
    {
        var after = Interlocked.Add(ref queuedItems, request.ItemCount);
        if (after > maxQueuedItems && after != request.ItemCount)
        {
            Interlocked.Add(ref queuedItems, -request.ItemCount);
            return SubmitResult.Full;
        }

        if (!channel.Writer.TryWrite(request))
        {
            Interlocked.Add(ref queuedItems, -request.ItemCount);
            return SubmitResult.ShuttingDown;
        }

        return SubmitResult.Queued;
    }

    /// <summary>Called by the writer once it took requests off the queue.</summary>
    public void Dequeued(int items) => Interlocked.Add(ref queuedItems, -items);

    /// <summary>No more requests: the writer drains what is queued, commits it and stops.</summary>
    public void Complete() => channel.Writer.TryComplete();
}
