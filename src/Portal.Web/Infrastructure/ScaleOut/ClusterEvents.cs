using System.Security.Cryptography;
using System.Text.Json;
using StackExchange.Redis;

namespace Portal.Web.Infrastructure.ScaleOut;

/// <summary>
/// This process among the portal nodes: an id that tells its own Redis messages from the others', and a name people
/// read (on job runs: which node ran it) — <c>Portal:NodeName</c>, or the host name.
/// </summary>
public sealed class PortalNode(IConfiguration configuration)
{
    public const int NameMaxLength = 100;

    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";

    public string Name { get; } = Truncate(configuration["Portal:NodeName"] is { Length: > 0 } name ? name : Environment.MachineName);

    private static string Truncate(string name) => name.Length <= NameMaxLength ? name : name[..NameMaxLength];
}

/// <summary>Topics of <see cref="IClusterEvents"/>: what another node must forget when something changes.</summary>
public static class ClusterTopics
{
    /// <summary>Value: the prefix of a revoked API key (evict it from the key cache).</summary>
    public const string ApiKeyRevoked = "api-key-revoked";

    /// <summary>Value: the name of a model whose settings or schema changed (evict it from the ingestion catalog).</summary>
    public const string ModelChanged = "model-changed";
}

/// <summary>
/// Tells the other portal nodes that a cached thing changed, so they drop their copy at once instead of after its
/// time-to-live. With one node (no <c>ConnectionStrings:Redis</c>) there is nobody to tell.
/// </summary>
public interface IClusterEvents
{
    /// <summary>Delivered to the <see cref="ClusterEventHandler"/>s of <paramref name="topic"/> on every other node (not this one).</summary>
    void Publish(string topic, string value);
}

/// <summary>What a node does when another node publishes on <see cref="Topic"/>.</summary>
public sealed record ClusterEventHandler(string Topic, Action<IServiceProvider, string> Handle);

public sealed class SingleNodeEvents : IClusterEvents
{
    public void Publish(string topic, string value)
    {
    }
}

/// <summary>
/// <see cref="IClusterEvents"/> over the Redis channel <c>portal:cluster-events</c>. Best effort: when Redis is
/// unreachable the message is lost and the other nodes fall back on their caches' time-to-live (30 s for API keys,
/// 10 s for models).
/// </summary>
public sealed class RedisClusterEvents(
    IConnectionMultiplexer redis,
    PortalNode node,
    IEnumerable<ClusterEventHandler> handlers,
    IServiceProvider services,
    ILogger<RedisClusterEvents> logger) : IClusterEvents, IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("portal:cluster-events");

    private readonly ILookup<string, ClusterEventHandler> byTopic = handlers.ToLookup(h => h.Topic, StringComparer.Ordinal);

    public void Publish(string topic, string value)
    {
        try
        {
            var message = JsonSerializer.Serialize(new Message(node.Id, topic, value));
            redis.GetSubscriber().Publish(Channel, message, CommandFlags.FireAndForget);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not tell the other nodes about {Topic} {Value}; they follow within their cache time.", topic, value);
        }
    }

    private readonly CancellationTokenSource stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        RedisSubscription.Start(redis, Channel, Receive, logger, stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await RedisSubscription.StopAsync(redis, Channel);
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

            foreach (var handler in byTopic[message.Topic])
            {
                handler.Handle(services, message.Value);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A cluster event could not be handled: {Payload}", payload.ToString());
        }
    }

    private sealed record Message(string Node, string Topic, string Value);
}

/// <summary>
/// Subscribes to a Redis channel without holding up start-up: while Redis cannot be reached the node runs on its own and
/// retries every few seconds; once subscribed, StackExchange.Redis renews the subscription after every reconnect.
/// </summary>
public static class RedisSubscription
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    public static void Start(IConnectionMultiplexer redis, RedisChannel channel, Action<RedisValue> receive, ILogger logger, CancellationToken stopping) =>
        _ = Task.Run(async () =>
        {
            for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
            {
                try
                {
                    await redis.GetSubscriber().SubscribeAsync(channel, (_, payload) => receive(payload));
                    return;
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    if (attempt == 1)
                    {
                        logger.LogWarning(e, "Redis channel {Channel} is not reachable; this node works alone until it is (retrying every {Seconds} s).", channel, RetryEvery.TotalSeconds);
                    }

                    await Task.Delay(RetryEvery, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
        }, CancellationToken.None);

    public static async Task StopAsync(IConnectionMultiplexer redis, RedisChannel channel)
    {
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(channel);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Shutting down without Redis: nothing to undo.
        }
    }
}
