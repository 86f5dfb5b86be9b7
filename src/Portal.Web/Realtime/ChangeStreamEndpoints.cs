using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Realtime;

/// <summary>One event of <c>GET /api/v1/changes</c>.</summary>
public sealed record ChangeEvent(string Model, string What, DateTime At);

public static class ChangeStreamEndpoints
{
    public const string Path = "/api/v1/changes";

    /// <summary>
    /// <c>GET /api/v1/changes?model=</c> (Viewer, or any admin API key): this node's model changes — its own and, with
    /// Redis, every other node's — as Server-Sent Events, for clients without SignalR (<c>curl -N</c>) and for the
    /// scale-out tests. The first event, <c>ready</c>, says the subscription is in place; then one <c>modelChanged</c>
    /// event per change (of <paramref name="model"/> only, when given).
    /// </summary>
    public static IEndpointRouteBuilder MapChangeStream(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (string? model, IModelChangeNotifier notifier, IHostApplicationLifetime lifetime, HttpContext context) =>
        {
            context.Response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass events on at once
            // The stream also ends when the portal stops: Kestrel waits for open requests, and this one never ends by
            // itself, so a connected client held every SIGTERM for the whole shutdown timeout.
            var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            context.Response.RegisterForDispose(ended);
            return TypedResults.ServerSentEvents(ReadAsync(notifier, model, ended.Token));
        }).RequireViewer();
        return endpoints;
    }

    private static async IAsyncEnumerable<SseItem<ChangeEvent?>> ReadAsync(IModelChangeNotifier notifier, string? model, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A slow reader loses the oldest events, never blocks the publisher.
        var changes = Channel.CreateBounded<ChangeEvent>(new BoundedChannelOptions(1_000) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = notifier.Subscribe(change =>
        {
            if (model is null || change.Model == model)
            {
                changes.Writer.TryWrite(new ChangeEvent(change.Model, change.What, change.At));
            }

            return Task.CompletedTask;
        });

        yield return new SseItem<ChangeEvent?>(null, "ready");
        while (!cancellationToken.IsCancellationRequested)
        {
            ChangeEvent change;
            try
            {
                change = await changes.Reader.ReadAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            yield return new SseItem<ChangeEvent?>(change, "modelChanged");
        }
    }
}
