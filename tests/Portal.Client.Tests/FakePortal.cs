using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Client.Tests;

/// <summary>An in-memory stand-in for the portal: answers each request with the next scripted response (then 200 accepting all).</summary>
public sealed class FakePortal : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpResponseMessage>> script = new();

    public ConcurrentQueue<(DateTimeOffset At, string Path, int Items)> Requests { get; } = new();

    /// <summary>When set, every request waits for it (to simulate a stalled server).</summary>
    public TaskCompletionSource? Stall { get; set; }

    public void Then(HttpStatusCode status, TimeSpan? retryAfter = null) => script.Enqueue(() =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent("{\"title\": \"scripted\"}", Encoding.UTF8, "application/problem+json") };
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        }

        return response;
    });

    public void ThenConnectionError() => script.Enqueue(() => throw new HttpRequestException("connection refused (scripted)"));

    public int ItemsReceived => Requests.Sum(r => r.Items);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Stall is { } stall)
        {
            await stall.Task.WaitAsync(cancellationToken);
        }

        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var items = JsonNode.Parse(body.Length == 0 ? "null" : body) is JsonArray array ? array.Count : 1;
        Requests.Enqueue((DateTimeOffset.UtcNow, request.RequestUri!.AbsolutePath, items));
        if (script.TryDequeue(out var next))
        {
            return next();
        }

        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($$"""{"accepted": {{items}}, "duplicates": 0, "rejected": []}""", Encoding.UTF8, "application/json"),
        };
    }
}
