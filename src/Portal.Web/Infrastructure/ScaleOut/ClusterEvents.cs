using System.Security.Cryptography;
using System.Text.Json;
using StackExchange.Redis;

namespace Portal.Web.Infrastructure.ScaleOut;

/// <summary>This process among the portal nodes: an id that tells its own Redis messages from the others'.</summary>
public sealed class PortalNode
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";
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

    public async Task StartAsync(CancellationToken cancellationToken) =>
        await redis.GetSubscriber().SubscribeAsync(Channel, (_, payload) => Receive(payload));

    public Task StopAsync(CancellationToken cancellationToken) => redis.GetSubscriber().UnsubscribeAsync(Channel);

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
