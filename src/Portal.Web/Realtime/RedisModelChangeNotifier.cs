using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Portal.Web.Infrastructure.ScaleOut;
using StackExchange.Redis;

namespace Portal.Web.Realtime;

/// <summary>
/// Changes published on this node only. The SignalR hub relays these (the Redis backplane carries them to the clients
/// of every node); Blazor components subscribe to <see cref="IModelChangeNotifier"/>, which also delivers the other
/// nodes' changes. Without Redis every change is local.
/// </summary>
public interface ILocalModelChanges
{
    IDisposable SubscribeLocal(Func<ModelChange, Task> handler);
}

/// <summary>
/// <see cref="IModelChangeNotifier"/> for several nodes: a change published here goes to this node's subscribers at
/// once (through <c>local</c>, the in-process notifier) and, coalesced with whatever else was published meanwhile, as one
/// message to the Redis channel <c>portal:model-changes</c> tagged with this node's id. Every other node hands the
/// message to its own in-process notifier (<c>remote</c>), whose subscribers are the same as <c>local</c>'s; the
/// publishing node ignores its own message, so nobody gets a change twice. Redis being down never blocks a publisher:
/// this node's subscribers still hear of local changes and the others catch up with the next message.
/// </summary>
public sealed class RedisModelChangeNotifier(
    IModelChangeNotifier local,
    IModelChangeNotifier remote,
    IConnectionMultiplexer redis,
    PortalNode node,
    ILogger<RedisModelChangeNotifier> logger) : IModelChangeNotifier, ILocalModelChanges, IHostedService, IDisposable
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("portal:model-changes");

    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Channel<bool> wake = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private HashSet<(string Model, string What)> pending = [];
    private Task? sender;
    private DateTime lastFailureLogged;

    public void Publish(string model, string what)
    {
        local.Publish(model, what);
        lock (gate)
        {
            pending.Add((model, what));
        }

        wake.Writer.TryWrite(true);
    }

    public IDisposable Subscribe(Func<ModelChange, Task> handler) => new Both(local.Subscribe(handler), remote.Subscribe(handler));

    public IDisposable SubscribeLocal(Func<ModelChange, Task> handler) => local.Subscribe(handler);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        RedisSubscription.Start(redis, Channel, Receive, logger, stopping.Token);
        sender = Task.Run(SendAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        wake.Writer.TryComplete();
        if (sender is not null)
        {
            await sender.WaitAsync(cancellationToken);
        }

        await RedisSubscription.StopAsync(redis, Channel);
    }

    public void Dispose()
    {
        (local as IDisposable)?.Dispose();
        (remote as IDisposable)?.Dispose();
    }

    /// <summary>One message per wake-up with every change pending by then, so a busy node sends few, larger messages.</summary>
    private async Task SendAsync()
    {
        while (await wake.Reader.WaitToReadAsync())
        {
            wake.Reader.TryRead(out _);
            HashSet<(string Model, string What)> batch;
            lock (gate)
            {
                batch = pending;
                pending = [];
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var message = new Message(node.Id, [.. batch.Select(c => new[] { c.Model, c.What })]);
                await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(message));
            }
            catch (Exception e)
            {
                // Best effort: the other nodes' pages refresh with the next change that gets through.
                if (DateTime.UtcNow - lastFailureLogged > TimeSpan.FromMinutes(1))
                {
                    lastFailureLogged = DateTime.UtcNow;
                    logger.LogWarning(e, "Model changes could not be sent to the other nodes over Redis.");
                }
            }
        }
    }

    private void Receive(RedisValue payload)
    {
        try
        {
            var message = JsonSerializer.Deserialize<Message>(payload.ToString());
            if (message is null || message.Node == node.Id)
            {
                return;
            }

            foreach (var change in message.Changes.Where(c => c.Length == 2))
            {
                remote.Publish(change[0], change[1]);
            }
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "A model change message from Redis could not be read.");
        }
    }

    private sealed record Message(string Node, string[][] Changes);

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}

/// <summary>Every change is local: the notifier of a single node.</summary>
public sealed class SingleNodeModelChanges(IModelChangeNotifier notifier) : ILocalModelChanges
{
    public IDisposable SubscribeLocal(Func<ModelChange, Task> handler) => notifier.Subscribe(handler);
}

public static class RealtimeScaleOutServiceCollectionExtensions
{
    /// <summary>
    /// With <c>ConnectionStrings:Redis</c>: the SignalR Redis backplane (channel prefix <c>portal</c>) and the Redis
    /// fan-out of <see cref="IModelChangeNotifier"/> around the notifier that <c>AddRealtime()</c> registered (so call it
    /// after that). Without: <see cref="ILocalModelChanges"/> is the notifier itself.
    /// </summary>
    public static IServiceCollection AddRealtimeScaleOut(this IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration.GetConnectionString(ScaleOutServiceCollectionExtensions.RedisConnectionName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton<ILocalModelChanges, SingleNodeModelChanges>();
            return services;
        }

        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IModelChangeNotifier))
            ?? throw new InvalidOperationException("Call AddRealtime() before AddRealtimeScaleOut().");
        services.Remove(registered);
        services.AddSingleton(sp => new RedisModelChangeNotifier(
            Create(sp, registered),
            Create(sp, registered),
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<PortalNode>(),
            sp.GetRequiredService<ILogger<RedisModelChangeNotifier>>()));
        services.AddSingleton<IModelChangeNotifier>(sp => sp.GetRequiredService<RedisModelChangeNotifier>());
        services.AddSingleton<ILocalModelChanges>(sp => sp.GetRequiredService<RedisModelChangeNotifier>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisModelChangeNotifier>());

        services.AddSignalR().AddStackExchangeRedis(redis, o =>
        {
            o.Configuration.ChannelPrefix = RedisChannel.Literal("portal");
            o.Configuration.AbortOnConnectFail = false;
        });

        // Blazor's own hub needs no backplane (a circuit lives on one node, behind sticky sessions). Keeping it on the
        // in-process manager means a Redis outage never stops a page from opening.
        if (BlazorCircuitHub is { } circuits)
        {
            services.AddSingleton(typeof(HubLifetimeManager<>).MakeGenericType(circuits), typeof(DefaultHubLifetimeManager<>).MakeGenericType(circuits));
        }

        return services;
    }

    /// <summary>The hub of Blazor Server circuits (internal to ASP.NET Core, hence found by name).</summary>
    public static Type? BlazorCircuitHub { get; } = Type.GetType("Microsoft.AspNetCore.Components.Server.ComponentHub, Microsoft.AspNetCore.Components.Server");

    /// <summary>A fresh instance of the notifier <c>AddRealtime()</c> registered (one for local, one for remote changes).</summary>
    private static IModelChangeNotifier Create(IServiceProvider services, ServiceDescriptor registered) =>
        registered.ImplementationType is { } type ? (IModelChangeNotifier)ActivatorUtilities.CreateInstance(services, type)
        : registered.ImplementationFactory is { } factory ? (IModelChangeNotifier)factory(services)
        : throw new InvalidOperationException("AddRealtime() must register IModelChangeNotifier by type or factory.");
}
