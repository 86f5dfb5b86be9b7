using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace Portal.ScaleOut.Tests.Infrastructure;

/// <summary>A change event as a client of one node received it, with the time it arrived.</summary>
public sealed record ReceivedChange(string Model, string What, TimeSpan ArrivedAfterOpen);

/// <summary>
/// A client of one node's <c>GET /api/v1/changes?model=</c> (Server-Sent Events): what a browser or tool connected to
/// that node is told. Open it, wait for <c>ready</c> (done by <see cref="OpenAsync"/>), then watch for changes.
/// </summary>
public sealed class ChangeStream : IAsyncDisposable
{
    private readonly HttpClient client;
    private readonly CancellationTokenSource stop = new();
    private readonly Channel<ReceivedChange> changes = Channel.CreateUnbounded<ReceivedChange>();
    private readonly List<ReceivedChange> received = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? reading;

    private ChangeStream(HttpClient client) => this.client = client;

    /// <summary>Every change received so far (after those taken by <see cref="WaitForAsync"/> too).</summary>
    public IReadOnlyList<ReceivedChange> Received
    {
        get
        {
            lock (received)
            {
                return [.. received];
            }
        }
    }

    public static async Task<ChangeStream> OpenAsync(PortalNode node, string apiKey, string model)
    {
        var stream = new ChangeStream(node.CreateClient(apiKey, Timeout.InfiniteTimeSpan));
        stream.reading = stream.ReadAsync($"/api/v1/changes?model={Uri.EscapeDataString(model)}");
        var first = await Task.WhenAny(stream.ready.Task, stream.reading, Task.Delay(TimeSpan.FromSeconds(30)));
        if (first != stream.ready.Task)
        {
            await stream.DisposeAsync();
            throw new InvalidOperationException($"The change stream of node {node.Name} did not become ready.");
        }

        return stream;
    }

    /// <summary>The first change (from now on, in arrival order) that matches, or null when none arrives in time.</summary>
    public async Task<ReceivedChange?> WaitForAsync(Func<ReceivedChange, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var change = await changes.Reader.ReadAsync(cancel.Token);
                if (match(change))
                {
                    return change;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public TimeSpan Now => clock.Elapsed;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (reading is not null)
        {
            try
            {
                await reading;
            }
            catch (Exception)
            {
                // closing
            }
        }

        client.Dispose();
        stop.Dispose();
    }

    private async Task ReadAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
        string? eventType = null;
        var data = "";
        while (await reader.ReadLineAsync(stop.Token) is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                eventType = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data += line["data:".Length..].Trim();
            }
            else if (line.Length == 0)
            {
                Dispatch(eventType, data);
                eventType = null;
                data = "";
            }
        }
    }

    private sealed record Message(string Model, string What);

    private void Dispatch(string? eventType, string data)
    {
        if (eventType == "ready")
        {
            ready.TrySetResult();
            return;
        }

        if (eventType != "modelChanged" || data.Length == 0)
        {
            return;
        }

        var message = JsonSerializer.Deserialize<Message>(data, JsonSerializerOptions.Web)!;
        var change = new ReceivedChange(message.Model, message.What, clock.Elapsed);
        lock (received)
        {
            received.Add(change);
        }

        changes.Writer.TryWrite(change);
    }
}
