using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Portal.Data;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// Keys created in the portal (<c>pk_…</c>): found by prefix, compared by SHA-256 hash in constant time.
/// A found key is cached for <see cref="CacheFor"/>; revoking evicts it on this node and, over Redis, on the others
/// (without Redis, or when a message is lost, they follow within that time).
/// </summary>
public sealed class DatabaseApiKeyValidator(PortalDbContext db, IMemoryCache cache, ApiKeyUsage usage) : IApiKeyValidator
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public async ValueTask<ClaimsIdentity?> ValidateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!ApiKeyToken.TryGetPrefix(presentedKey, out var prefix))
        {
            return null;
        }

        var key = await FindAsync(prefix, cancellationToken);
        if (key is null || key.Revoked || !ApiKeyHash.Matches(presentedKey, key.Hash))
        {
            return null;
        }

        await usage.TouchAsync(db, key.Id, cancellationToken);
        return ApiKeyIdentity.Create(key.Name, key.ScopeKind, key.Scope);
    }

    public static void Evict(IMemoryCache cache, string prefix) => cache.Remove(CacheKey(prefix));

    private async Task<CachedKey?> FindAsync(string prefix, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(CacheKey(prefix), out CachedKey? cached))
        {
            return cached;
        }

        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Prefix == prefix)
            .Select(k => new CachedKey(k.Id, k.Name, k.ScopeKind, k.Scope, k.Hash, k.RevokedAt != null))
            .FirstOrDefaultAsync(cancellationToken);
        if (key is not null)
        {
            cache.Set(CacheKey(prefix), key, CacheFor);
        }

        return key;
    }

    private static string CacheKey(string prefix) => "api-key:" + prefix;

    private sealed record CachedKey(int Id, string Name, Portal.Data.Identity.ApiKeyScopeKind ScopeKind, string Scope, byte[] Hash, bool Revoked);
}

/// <summary>Keeps <c>LastUsedAt</c> of API keys current without a write per request: at most one per key per minute and node.</summary>
public sealed class ApiKeyUsage
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<int, DateTime> lastWritten = new();

    public async Task TouchAsync(PortalDbContext db, int keyId, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        if (lastWritten.TryGetValue(keyId, out var last) && now - last < Interval)
        {
            return;
        }

        lastWritten[keyId] = now;
        await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
    }
}
