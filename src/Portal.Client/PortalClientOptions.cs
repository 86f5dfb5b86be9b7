namespace Portal.Client;

public sealed class PortalClientOptions
{
    /// <summary>The portal, e.g. http://localhost:5080/.</summary>
    public required Uri BaseAddress { get; set; }

    /// <summary>Sent as X-Api-Key: scoped to the model(s) you send for, or admin.</summary>
    public required string ApiKey { get; set; }

    /// <summary>Items per request when flushing the buffer (the portal accepts up to 10,000).</summary>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>A partly filled batch is sent at the latest this long after its first item was enqueued.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Items the buffer holds (including batches waiting to be retried); Enqueue* returns false beyond it.</summary>
    public int MaxBufferedItems { get; set; } = 100_000;

    /// <summary>Batches in flight at once.</summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Retries of one request on 429, 5xx, timeouts and connection errors (honouring Retry-After), with exponential backoff.</summary>
    public int MaxRetries { get; set; } = 6;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long disposing the client keeps trying to send what is still buffered.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time limit of one attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
