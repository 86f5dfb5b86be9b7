using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Web.Realtime;

/// <summary>What changed about a model: predictions, labels, resources, drift, quality, slo, alerts, experiments.</summary>
public sealed record ModelChange(string Model, string What, DateTime At);

/// <summary>
/// "Model X changed" events: published after ingestion commits and job runs, consumed by Blazor components
/// (subscribe after first render, dispose with the component) and relayed to external clients by the SignalR hub.
/// </summary>
public interface IModelChangeNotifier
{
    void Publish(string model, string what);

    /// <summary>Calls <paramref name="handler"/> for every change until the returned handle is disposed.</summary>
    IDisposable Subscribe(Func<ModelChange, Task> handler);
}

/// <summary>In-process fan-out to subscribers; a failing subscriber never affects the publisher or the others.</summary>
public sealed class InProcessModelChangeNotifier(ILogger<InProcessModelChangeNotifier> logger, TimeProvider time) : IModelChangeNotifier
{
    private readonly Lock gate = new();
    private ImmutableHandlers handlers = new([]);

    public void Publish(string model, string what)
    {
        var change = new ModelChange(model, what, time.GetUtcNow().UtcDateTime);
        foreach (var handler in handlers.Items)
        {
            _ = InvokeAsync(handler, change);
        }
    }

    public IDisposable Subscribe(Func<ModelChange, Task> handler)
    {
        lock (gate)
        {
            handlers = new([.. handlers.Items, handler]);
        }

        return new Subscription(() =>
        {
            lock (gate)
            {
                handlers = new([.. handlers.Items.Where(h => h != handler)]);
            }
        });
    }

    private async Task InvokeAsync(Func<ModelChange, Task> handler, ModelChange change)
    {
        try
        {
            await handler(change);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A subscriber failed on {Model} {What}", change.Model, change.What);
        }
    }

    private sealed record ImmutableHandlers(Func<ModelChange, Task>[] Items);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref dispose, null)?.Invoke();
    }
}

public static class RealtimeServiceCollectionExtensions
{
    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IModelChangeNotifier, InProcessModelChangeNotifier>();
        services.AddHostedService<IngestionChangePublisher>();
        return services;
    }
}
