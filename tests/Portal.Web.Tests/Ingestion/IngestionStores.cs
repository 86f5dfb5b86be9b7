using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Features.Ingestion.Storage;

namespace Portal.Web.Tests.Ingestion;

/// <summary>Test wrappers around the ingestion store the portal registered for its provider (SQLite or PostgreSQL).</summary>
public static class IngestionStores
{
    /// <summary>Replaces the registered <see cref="IIngestionStore"/> by <paramref name="wrap"/> around it.</summary>
    public static IServiceCollection DecorateIngestionStore(this IServiceCollection services, Func<IIngestionStore, IIngestionStore> wrap)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IIngestionStore));
        services.Remove(registered);
        services.AddSingleton(sp => wrap(registered.ImplementationInstance as IIngestionStore
            ?? registered.ImplementationFactory?.Invoke(sp) as IIngestionStore
            ?? (IIngestionStore)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)));
        return services;
    }
}

/// <summary>Holds the writer at the start of each transaction until the gate opens.</summary>
public sealed class GatedStore(IIngestionStore inner, ManualResetEventSlim gate) : IIngestionStore
{
    private int waiting;

    /// <summary>How many transactions reached the gate so far.</summary>
    public int Arrived => Volatile.Read(ref waiting);

    public IIngestionBatch Begin()
    {
        Interlocked.Increment(ref waiting);
        gate.Wait(TimeSpan.FromSeconds(30));
        return inner.Begin();
    }

    public void Dispose() => inner.Dispose();
}
