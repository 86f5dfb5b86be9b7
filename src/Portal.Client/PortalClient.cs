using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Portal.Client;

/// <summary>
/// Typed client of the portal's REST API for model services.
/// <para>
/// Direct calls (<see cref="SendPredictionsAsync"/> …) return the portal's answer. The buffered API
/// (<see cref="EnqueuePrediction"/> …) never blocks and never throws: items go into a bounded in-memory buffer and
/// a background pump sends them in batches of <see cref="PortalClientOptions.BatchSize"/> or after
/// <see cref="PortalClientOptions.FlushInterval"/>. Every request is retried on 429, 5xx, timeouts and connection
/// errors with exponential backoff, honouring Retry-After (Microsoft.Extensions.Http.Resilience); a batch that still
/// fails stays buffered and is tried again later. When the buffer is full, Enqueue* returns false and the item is
/// counted in <see cref="ClientStats.Refused"/>: the caller decides, nothing is dropped silently.
/// </para>
/// </summary>
public sealed class PortalClient : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly TimeSpan RetryLater = TimeSpan.FromSeconds(2);

    private readonly PortalClientOptions options;
    private readonly HttpClient http;
    private readonly Channel<Pending> buffer = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim inFlight;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task pump;
    private readonly ClientStats stats = new();
    private long buffered;
    private volatile bool flushRequested;

    public PortalClient(PortalClientOptions options, HttpMessageHandler? innerHandler = null)
    {
        this.options = options;
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldRetryAfterHeader = true,
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout })
            .Build();
        var handler = new ResilienceHandler(pipeline)
        {
            InnerHandler = innerHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(5) },
        };
        http = new HttpClient(handler) { BaseAddress = options.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Add("X-Api-Key", options.ApiKey);
        inFlight = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentRequests));
        pump = Task.Run(PumpAsync);
    }

    /// <summary>Raised (on a pool thread) after each buffered batch was answered, failed for now, or was given up.</summary>
    public event Action<BatchOutcome>? BatchCompleted;

    public ClientStats Stats => stats;

    /// <summary>Items in the buffer, including batches in flight or waiting to be retried.</summary>
    public long BufferedItems => Interlocked.Read(ref buffered);

    public Task<IngestResult> SendPredictionsAsync(string model, IReadOnlyList<PredictionEvent> items, CancellationToken cancellationToken = default) =>
        PostAsync($"api/v1/models/{Uri.EscapeDataString(model)}/predictions", items, cancellationToken);

    public Task<IngestResult> SendFeedbackAsync(string model, IReadOnlyList<FeedbackEvent> items, CancellationToken cancellationToken = default) =>
        PostAsync($"api/v1/models/{Uri.EscapeDataString(model)}/feedback", items, cancellationToken);

    public Task<IngestResult> SendResourcesAsync(IReadOnlyList<ResourceSample> items, CancellationToken cancellationToken = default) =>
        PostAsync("api/v1/resources", items, cancellationToken);

    /// <summary>Creates or updates a model (needs an admin key).</summary>
    public async Task PutModelAsync(string model, ModelDefinition definition, CancellationToken cancellationToken = default)
    {
        using var content = JsonContent(definition);
        using var response = await http.PutAsync($"api/v1/models/{Uri.EscapeDataString(model)}", content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Uploads a new version of the model's reference dataset as JSON columns.</summary>
    public async Task PutReferenceAsync(string model, IReadOnlyDictionary<string, IReadOnlyList<object?>> columns, CancellationToken cancellationToken = default)
    {
        using var content = JsonContent(new { columns });
        using var response = await http.PutAsync($"api/v1/models/{Uri.EscapeDataString(model)}/reference", content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>GET /api/v1/models/{model}/summary?window=…, as JSON.</summary>
    public async Task<JsonDocument> GetSummaryAsync(string model, string window = "1h", CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"api/v1/models/{Uri.EscapeDataString(model)}/summary?window={Uri.EscapeDataString(window)}", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
    }

    /// <summary>Buffers a prediction; false (and counted) when the buffer is full. Never blocks.</summary>
    public bool EnqueuePrediction(string model, PredictionEvent prediction) => Enqueue(new Pending(Kind.Predictions, model, prediction));

    public bool EnqueueFeedback(string model, FeedbackEvent feedback) => Enqueue(new Pending(Kind.Feedback, model, feedback));

    public bool EnqueueResource(ResourceSample sample) => Enqueue(new Pending(Kind.Resources, null, sample));

    /// <summary>Sends everything buffered now and waits until the buffer is empty (or the token fires).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        while (BufferedItems > 0)
        {
            flushRequested = true;
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Stops accepting items, sends what is buffered (trying for at most <paramref name="timeout"/>), then closes.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        buffer.Writer.TryComplete();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await FlushAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            // Whatever is left is reported by Stats.Buffered / BufferedItems.
        }

        await stopping.CancelAsync();
        try
        {
            await pump;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(options.CloseTimeout);
        http.Dispose();
        inFlight.Dispose();
        stopping.Dispose();
    }

    private bool Enqueue(Pending item)
    {
        if (Interlocked.Increment(ref buffered) > options.MaxBufferedItems || !buffer.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref buffered);
            Interlocked.Increment(ref stats.refused);
            return false;
        }

        Interlocked.Increment(ref stats.enqueued);
        return true;
    }

    private async Task<IngestResult> PostAsync<T>(string path, IReadOnlyList<T> items, CancellationToken cancellationToken)
    {
        using var content = JsonContent(items);
        using var response = await http.PostAsync(path, content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(cancellationToken), ClientJsonContext.Default.IngestResult, cancellationToken)
            ?? throw new PortalApiException(response.StatusCode, "The portal answered with an empty body.");
    }

    private static ByteArrayContent JsonContent<T>(T value)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, Json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new PortalApiException(response.StatusCode, body);
        }
    }

    private async Task PumpAsync()
    {
        var open = new Dictionary<(Kind, string?), OpenBatch>();
        var retries = new List<(Batch Batch, DateTimeOffset NotBefore)>();
        var sends = new List<Task>();
        var reader = buffer.Reader;
        var token = stopping.Token;
        Task<bool>? wait = null;
        while (!token.IsCancellationRequested)
        {
            wait ??= reader.WaitToReadAsync(token).AsTask();
            await Task.WhenAny(wait, Task.Delay(50, token));
            if (wait.IsCompleted)
            {
                var more = wait is { IsCompletedSuccessfully: true, Result: true };
                wait = null;
                if (!more)
                {
                    // Closed: no more items will come; keep sending what is buffered until stopped.
                    await Task.Delay(20, token);
                    wait = Task.FromResult(false);
                }
            }
            while (reader.TryRead(out var item))
            {
                var key = (item.Kind, item.Model);
                if (!open.TryGetValue(key, out var batch))
                {
                    open[key] = batch = new OpenBatch(new Batch(item.Kind, item.Model, []), DateTimeOffset.UtcNow + options.FlushInterval);
                }

                batch.Batch.Items.Add(item.Item);
                if (batch.Batch.Items.Count >= options.BatchSize)
                {
                    open.Remove(key);
                    sends.Add(await DispatchAsync(batch.Batch, retries, token));
                }
            }

            var now = DateTimeOffset.UtcNow;
            var flush = flushRequested || reader.Completion.IsCompleted;
            flushRequested = false;
            foreach (var (key, batch) in open.Where(b => flush || b.Value.Due <= now).ToList())
            {
                open.Remove(key);
                sends.Add(await DispatchAsync(batch.Batch, retries, token));
            }

            List<(Batch Batch, DateTimeOffset NotBefore)> due;
            lock (retries)
            {
                due = retries.Where(r => flush || r.NotBefore <= now).ToList();
                retries.RemoveAll(due.Contains);
            }

            foreach (var (batch, _) in due)
            {
                sends.Add(await DispatchAsync(batch, retries, token));
            }

            sends.RemoveAll(t => t.IsCompleted);
        }
    }

    private async Task<Task> DispatchAsync(Batch batch, List<(Batch, DateTimeOffset)> retries, CancellationToken token)
    {
        await inFlight.WaitAsync(token);
        return Task.Run(async () =>
        {
            try
            {
                await SendBatchAsync(batch, retries, token);
            }
            finally
            {
                inFlight.Release();
            }
        }, CancellationToken.None);
    }

    private async Task SendBatchAsync(Batch batch, List<(Batch, DateTimeOffset)> retries, CancellationToken token)
    {
        try
        {
            var result = batch.Kind switch
            {
                Kind.Predictions => await SendPredictionsAsync(batch.Model!, batch.Items.Cast<PredictionEvent>().ToList(), token),
                Kind.Feedback => await SendFeedbackAsync(batch.Model!, batch.Items.Cast<FeedbackEvent>().ToList(), token),
                _ => await SendResourcesAsync(batch.Items.Cast<ResourceSample>().ToList(), token),
            };
            Interlocked.Add(ref stats.accepted, result.Accepted);
            Interlocked.Add(ref stats.duplicates, result.Duplicates);
            Interlocked.Add(ref stats.rejected, result.Rejected.Count);
            Interlocked.Add(ref buffered, -batch.Items.Count);
            BatchCompleted?.Invoke(new BatchOutcome(batch.Kind.ToString(), batch.Model, batch.Items, result, null, false));
        }
        catch (Exception e) when (!token.IsCancellationRequested || e is not OperationCanceledException)
        {
            var permanent = e is PortalApiException { IsTransient: false };
            if (permanent)
            {
                Interlocked.Add(ref stats.dropped, batch.Items.Count);
                Interlocked.Add(ref buffered, -batch.Items.Count);
            }
            else
            {
                Interlocked.Increment(ref stats.retriedBatches);
                lock (retries)
                {
                    retries.Add((batch, DateTimeOffset.UtcNow + RetryLater));
                }
            }

            BatchCompleted?.Invoke(new BatchOutcome(batch.Kind.ToString(), batch.Model, batch.Items, null, e, !permanent));
        }
    }

    private enum Kind
    {
        Predictions,
        Feedback,
        Resources,
    }

    private readonly record struct Pending(Kind Kind, string? Model, object Item);

    private sealed record Batch(Kind Kind, string? Model, List<object> Items);

    private sealed record OpenBatch(Batch Batch, DateTimeOffset Due);
}

/// <summary>What became of one buffered batch: answered (<see cref="Result"/>), or failed (<see cref="Error"/>) and kept for retry or given up.</summary>
public sealed record BatchOutcome(string Kind, string? Model, IReadOnlyList<object> Items, IngestResult? Result, Exception? Error, bool WillRetry);

/// <summary>Counters of the buffered API.</summary>
public sealed class ClientStats
{
    internal long enqueued;
    internal long refused;
    internal long accepted;
    internal long duplicates;
    internal long rejected;
    internal long dropped;
    internal long retriedBatches;

    public long Enqueued => Interlocked.Read(ref enqueued);

    /// <summary>Enqueue calls refused because the buffer was full.</summary>
    public long Refused => Interlocked.Read(ref refused);

    public long Accepted => Interlocked.Read(ref accepted);

    public long Duplicates => Interlocked.Read(ref duplicates);

    /// <summary>Items the portal rejected as invalid (see <see cref="BatchOutcome.Result"/>).</summary>
    public long Rejected => Interlocked.Read(ref rejected);

    /// <summary>Items given up after a permanent error (400, 401, 403, 404, 413).</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Batches that failed after all retries and were kept for a later attempt.</summary>
    public long RetriedBatches => Interlocked.Read(ref retriedBatches);
}

/// <summary>The portal answered with an error status.</summary>
public sealed class PortalApiException(HttpStatusCode status, string body)
    : HttpRequestException($"The portal answered {(int)status} {status}: {body}", null, status)
{
    public string Body => body;

    /// <summary>429, 408 and 5xx are worth retrying; other errors are not.</summary>
    public bool IsTransient => status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;
}
