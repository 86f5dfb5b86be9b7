using Portal.Web.Infrastructure.Auth;
using StackExchange.Redis;

namespace Portal.Web.Infrastructure.ScaleOut;

/// <summary>
/// Hashes of the setup tokens every node printed, in the Redis set <c>portal:setup-tokens</c> (kept a day after the
/// last one was issued). When Redis is unreachable only the node that printed a link accepts it.
/// </summary>
public sealed class RedisSetupTokens(IConnectionMultiplexer redis, ILogger<RedisSetupTokens> logger) : ISharedSetupTokens
{
    private static readonly RedisKey Key = "portal:setup-tokens";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    public void Add(string hash) => Try("store", () =>
    {
        var db = redis.GetDatabase();
        db.SetAdd(Key, hash);
        db.KeyExpire(Key, Lifetime);
        return true;
    });

    public bool Contains(string hash) => Try("check", () => redis.GetDatabase().SetContains(Key, hash));

    public void Clear() => Try("clear", () => redis.GetDatabase().KeyDelete(Key));

    private bool Try(string what, Func<bool> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Could not {What} the shared setup tokens in Redis; only this node's own link works.", what);
            return false;
        }
    }
}
