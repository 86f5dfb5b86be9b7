using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Realtime;

/// <summary>
/// What changed about a model. <see cref="Kinds"/> holds every kind the throttle folded into this one event
/// (see <see cref="ModelChangeKinds"/>); <see cref="ModelChangeKinds.AnyModel"/> as the model means "not tied to one model"
/// (resource samples of a host that named no model).
/// </summary>
public sealed record ModelChange(string Model, IReadOnlySet<string> Kinds, DateTime At)
{
    public ModelChange(string model, string what, DateTime at)
        : this(model, new HashSet<string>([what], StringComparer.Ordinal), at)
    {
    }

    /// <summary>The kinds as one text, e.g. "labels,predictions".</summary>
    public string What => string.Join(',', Kinds.Order(StringComparer.Ordinal));

    public bool HasAny(params ReadOnlySpan<string> kinds)
    {
        foreach (var kind in kinds)
        {
            if (Kinds.Contains(kind))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The kinds of change. Jobs publish their job type ("drift", "quality", "slo", …) as the kind.</summary>
public static class ModelChangeKinds
{
    public const string Predictions = "predictions";
    public const string Labels = "labels";
    public const string Resources = "resources";
    public const string Drift = "drift";
    public const string Quality = "quality";
    public const string Slo = "slo";
    public const string Alerts = "alerts";
    public const string Experiments = "experiments";

    /// <summary>The "model" of a change that concerns no model in particular (a host that serves none).</summary>
    public const string AnyModel = "*";
}

/// <summary>
/// "Model X changed" events: published after ingestion commits and job runs, at most one per second per model
/// (<see cref="ModelChangeThrottle"/>), consumed by Blazor components (subscribe after first render, dispose with the
/// component) and relayed to external clients by the SignalR hub (<see cref="LiveHub"/>). Fan-out stays behind this
/// interface so it can move to Redis for several nodes.
/// </summary>
public interface IModelChangeNotifier
{
    void Publish(string model, string what);

    /// <summary>Calls <paramref name="handler"/> for every change until the returned handle is disposed.</summary>
    IDisposable Subscribe(Func<ModelChange, Task> handler);
}

/// <summary>Throttled per model, then fanned out to this process's subscribers.</summary>
public sealed class InProcessModelChangeNotifier : IModelChangeNotifier, IDisposable
{
    private readonly ModelChangeThrottle throttle;
    private readonly ModelChangeFanOut fanOut;

    public InProcessModelChangeNotifier(ILogger<InProcessModelChangeNotifier> logger, TimeProvider time)
    {
        fanOut = new ModelChangeFanOut(logger);
        throttle = new ModelChangeThrottle(time, fanOut.Deliver);
    }

    public void Publish(string model, string what) => throttle.Publish(model, what);

    public IDisposable Subscribe(Func<ModelChange, Task> handler) => fanOut.Subscribe(handler);

    public void Dispose() => throttle.Dispose();
}

/// <summary>Local subscribers; a failing subscriber never affects the publisher or the others.</summary>
public sealed class ModelChangeFanOut(ILogger logger)
{
    private readonly Lock gate = new();
    private Func<ModelChange, Task>[] handlers = [];

    public int Subscribers => handlers.Length;

    public void Deliver(ModelChange change)
    {
        foreach (var handler in handlers)
        {
            _ = InvokeAsync(handler, change);
        }
    }

    public IDisposable Subscribe(Func<ModelChange, Task> handler)
    {
        lock (gate)
        {
            handlers = [.. handlers, handler];
        }

        return new Subscription(() =>
        {
            lock (gate)
            {
                handlers = [.. handlers.Where(h => h != handler)];
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

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref dispose, null)?.Invoke();
    }
}

public static class RealtimeServiceCollectionExtensions
{
    /// <summary>The notifier, the bridge from the ingestion writer to it, and the SignalR hub's relay.</summary>
    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IModelChangeNotifier, InProcessModelChangeNotifier>();
        services.AddHostedService<IngestionChangePublisher>();
        services.AddSignalR();
        services.AddHostedService<LiveHubRelay>();
        return services;
    }

    /// <summary>The SignalR hub <c>/hubs/live</c> (Viewer or higher).</summary>
    public static IEndpointRouteBuilder MapRealtime(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<LiveHub>(LiveHub.Path).RequireViewer();
        return endpoints;
    }
}
