using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Portal.ScaleOut.Tests.Infrastructure;

/// <summary>
/// A SignalR client of one node's <c>/hubs/live</c> (issue 4, the dashboards' hub): joins a model's group and collects
/// its <c>modelChanged</c> messages <c>{model, kinds, at}</c>. Used by the hub tests once the hub is merged.
/// </summary>
public sealed class LiveHubClient : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly Channel<ReceivedChange> changes = Channel.CreateUnbounded<ReceivedChange>();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int count;

    private LiveHubClient(HubConnection connection) => this.connection = connection;

    /// <summary>modelChanged messages received so far.</summary>
    public int Count => Volatile.Read(ref count);

    public TimeSpan Now => clock.Elapsed;

    public static async Task<LiveHubClient> ConnectAsync(PortalNode node, string apiKey, string model)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(node.BaseUrl + "/hubs/live", o => o.Headers["X-Api-Key"] = apiKey)
            .Build();
        var client = new LiveHubClient(connection);
        connection.On<JsonElement>("modelChanged", message =>
        {
            Interlocked.Increment(ref client.count);
            var kinds = message.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()).ToArray();
            client.changes.Writer.TryWrite(new ReceivedChange(message.GetProperty("model").GetString()!, string.Join(',', kinds), client.clock.Elapsed));
        });
        await connection.StartAsync();
        await connection.InvokeAsync("JoinModel", model);
        return client;
    }

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

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
