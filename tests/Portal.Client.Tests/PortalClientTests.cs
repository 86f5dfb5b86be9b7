using System.Diagnostics;
using System.Net;

namespace Portal.Client.Tests;

public sealed class PortalClientTests
{
    private static PortalClient Client(FakePortal portal, Action<PortalClientOptions>? configure = null)
    {
        var options = new PortalClientOptions
        {
            BaseAddress = new Uri("http://portal.test/"),
            ApiKey = "k",
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            FlushInterval = TimeSpan.FromMilliseconds(100),
            CloseTimeout = TimeSpan.FromSeconds(2),
        };
        configure?.Invoke(options);
        return new PortalClient(options, portal);
    }

    private static PredictionEvent Prediction(int i) => new() { PredictionId = $"p{i}", Prediction = 1, Score = 0.5 };

    [Fact]
    public async Task Direct_send_returns_the_portal_answer()
    {
        var portal = new FakePortal();
        await using var client = Client(portal);
        var result = await client.SendPredictionsAsync("m", [Prediction(1), Prediction(2)]);
        Assert.Equal(2, result.Accepted);
        Assert.Equal("/api/v1/models/m/predictions", portal.Requests.Single().Path);
    }

    [Fact]
    public async Task Retries_on_429_honouring_retry_after()
    {
        var portal = new FakePortal();
        portal.Then(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1));
        await using var client = Client(portal);
        var clock = Stopwatch.StartNew();
        var result = await client.SendPredictionsAsync("m", [Prediction(1)]);
        Assert.Equal(1, result.Accepted);
        Assert.Equal(2, portal.Requests.Count);

        // A lower bound only: a slow machine makes the wait longer, never shorter (without Retry-After it is ~10 ms).
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.ElapsedMilliseconds} ms, before Retry-After");
    }

    [Fact]
    public async Task Retries_on_5xx_and_connection_errors_with_backoff()
    {
        var portal = new FakePortal();
        portal.Then(HttpStatusCode.ServiceUnavailable);
        portal.ThenConnectionError();
        portal.Then(HttpStatusCode.InternalServerError);
        await using var client = Client(portal);
        var result = await client.SendPredictionsAsync("m", [Prediction(1)]);
        Assert.Equal(1, result.Accepted);
        Assert.Equal(4, portal.Requests.Count);
    }

    [Fact]
    public async Task Bad_request_is_not_retried()
    {
        var portal = new FakePortal();
        portal.Then(HttpStatusCode.BadRequest);
        await using var client = Client(portal);
        var error = await Assert.ThrowsAsync<PortalApiException>(() => client.SendPredictionsAsync("m", [Prediction(1)]));
        Assert.False(error.IsTransient);
        Assert.Single(portal.Requests);
    }

    [Fact]
    public async Task Buffer_sends_full_batches_and_flushes_the_rest_after_the_interval()
    {
        var portal = new FakePortal();
        await using var client = Client(portal, o => o.BatchSize = 100);
        for (var i = 0; i < 250; i++)
        {
            Assert.True(client.EnqueuePrediction("m", Prediction(i)));
        }

        await client.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(250, portal.ItemsReceived);
        Assert.Equal([100, 100, 50], portal.Requests.Select(r => r.Items).Order().Reverse());
        Assert.Equal(250, client.Stats.Accepted);
    }

    [Fact]
    public async Task Partial_batch_goes_out_after_the_flush_interval_without_a_flush_call()
    {
        var portal = new FakePortal();
        await using var client = Client(portal, o => o.FlushInterval = TimeSpan.FromMilliseconds(200));
        client.EnqueuePrediction("m", Prediction(1));
        client.EnqueueFeedback("m", new FeedbackEvent { PredictionId = "p1", Label = 1 });
        client.EnqueueResource(new ResourceSample { Host = "h", CpuPercent = 3 });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (portal.Requests.Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(["/api/v1/models/m/feedback", "/api/v1/models/m/predictions", "/api/v1/resources"], portal.Requests.Select(r => r.Path).Order());
    }

    [Fact]
    public async Task Full_buffer_refuses_without_blocking_while_the_portal_stalls()
    {
        var portal = new FakePortal { Stall = new TaskCompletionSource() };
        await using var client = Client(portal, o =>
        {
            o.MaxBufferedItems = 10;
            o.BatchSize = 5;
        });

        // The portal stays stalled until the enqueues have returned: an Enqueue that waited for room would never return.
        var enqueueing = Task.Run(() => Enumerable.Range(0, 50).Count(i => client.EnqueuePrediction("m", Prediction(i))));
        var accepted = await enqueueing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(portal.Requests);
        Assert.Equal(10, accepted);
        Assert.Equal(40, client.Stats.Refused);

        portal.Stall.SetResult();
        await client.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(10, portal.ItemsReceived);
    }

    [Fact]
    public async Task Batch_that_keeps_failing_stays_buffered_and_is_sent_later()
    {
        var portal = new FakePortal();
        for (var i = 0; i < 3; i++)
        {
            portal.Then(HttpStatusCode.ServiceUnavailable);
        }

        var outcomes = new List<BatchOutcome>();
        await using var client = Client(portal, o => o.MaxRetries = 1);
        client.BatchCompleted += o =>
        {
            lock (outcomes)
            {
                outcomes.Add(o);
            }
        };
        client.EnqueuePrediction("m", Prediction(1));
        await client.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        Assert.Equal(0, client.BufferedItems);
        Assert.Contains(outcomes, o => o.Error is not null && o.WillRetry);
        Assert.Contains(outcomes, o => o.Result is { Accepted: 1 });
        Assert.Equal(0, client.Stats.Dropped);
    }

    [Fact]
    public async Task Permanent_error_drops_the_batch_and_reports_it()
    {
        var portal = new FakePortal();
        portal.Then(HttpStatusCode.NotFound);
        BatchOutcome? outcome = null;
        await using var client = Client(portal);
        client.BatchCompleted += o => outcome = o;
        client.EnqueuePrediction("missing", Prediction(1));
        await client.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        Assert.Equal(1, client.Stats.Dropped);
        Assert.NotNull(outcome?.Error);
        Assert.False(outcome!.WillRetry);
    }
}
