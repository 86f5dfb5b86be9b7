using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Features.Models;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.ScaleOut;

namespace Portal.Web.Features.Admin.ApiKeys;

/// <summary>An API key as listed: never its secret or hash.</summary>
public sealed record ApiKeyRow(int Id, string Name, string Prefix, string Scope, ApiKeyScopeKind ScopeKind, string CreatedBy, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt, string? RevokedBy)
{
    public string Display => ApiKeyToken.Display(Prefix);

    public bool IsAdmin => ScopeKind == ApiKeyScopeKind.Admin;
}

/// <summary>A key just created: <see cref="Key"/> is the only time the secret is available.</summary>
public sealed record CreatedApiKey(ApiKeyRow Row, string Key);

/// <summary>A request the portal refuses, with the field at fault.</summary>
public sealed class ApiKeyInputException(string field, string message)
    : Infrastructure.Validation.InputValidationException(new Dictionary<string, string[]> { [field] = [$"{field} {message}"] }, AspNetTitle, message)
{
    public string Field { get; } = field;
}

public sealed class ApiKeyService(IDbContextFactory<PortalDbContext> contexts, IAuditLog audit, CurrentUser currentUser, IMemoryCache cache, IClusterEvents cluster)
{
    public const string EntityType = "ApiKey";

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.Id).ToListAsync(cancellationToken);
        return keys.Select(ToRow).ToList();
    }

    /// <summary>
    /// Creates a key with <paramref name="scope"/> "admin" (an admin key) or a model name (a key of that model; "admin"
    /// is not a model name, see <see cref="ModelNames"/>); the answer holds the key, shown once.
    /// </summary>
    public async Task<CreatedApiKey> CreateAsync(string name, string scope, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        scope = scope.Trim();
        if (name.Length is 0 or > 100)
        {
            throw new ApiKeyInputException("name", "is required, at most 100 characters.");
        }

        var kind = scope == PortalClaims.AdminScope ? ApiKeyScopeKind.Admin : ApiKeyScopeKind.Model;
        if (kind == ApiKeyScopeKind.Model && !ModelNames.IsValid(scope))
        {
            throw new ApiKeyInputException("scope", $"is required: \"{PortalClaims.AdminScope}\" or a model name ({ModelNames.Rule}).");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (key, prefix) = ApiKeyToken.Generate();
        while (await db.ApiKeys.AnyAsync(k => k.Prefix == prefix, cancellationToken))
        {
            (key, prefix) = ApiKeyToken.Generate();
        }

        var entity = new ApiKey
        {
            Name = name,
            Prefix = prefix,
            Hash = ApiKeyHash.Of(key),
            Scope = scope,
            ScopeKind = kind,
            CreatedBy = await currentUser.NameAsync(),
            CreatedAt = DateTime.UtcNow,
        };
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        var row = ToRow(entity);
        await audit.RecordAsync(db, AuditActions.Create, EntityType, entity.Id.ToString(), null, Snapshot(row), cancellationToken);
        return new CreatedApiKey(row, key);
    }

    /// <summary>
    /// Revokes a key; it stops working at once on this node, and on the others as soon as they hear of it over Redis
    /// (within 30 seconds, the key cache's lifetime, if they do not). False when there is no such key.
    /// </summary>
    public async Task<bool> RevokeAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (entity is null)
        {
            return false;
        }

        if (entity.IsRevoked)
        {
            return true;
        }

        var before = Snapshot(ToRow(entity));
        entity.RevokedAt = DateTime.UtcNow;
        entity.RevokedBy = await currentUser.NameAsync();
        await audit.RecordAsync(db, AuditActions.Revoke, EntityType, id.ToString(), before, Snapshot(ToRow(entity)), cancellationToken);
        DatabaseApiKeyValidator.Evict(cache, entity.Prefix);
        cluster.Publish(ClusterTopics.ApiKeyRevoked, entity.Prefix);
        return true;
    }

    private static ApiKeyRow ToRow(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.Scope, k.ScopeKind, k.CreatedBy, k.CreatedAt, k.LastUsedAt, k.RevokedAt, k.RevokedBy);

    private static object Snapshot(ApiKeyRow row) => new { name = row.Name, prefix = row.Prefix, scope = row.Scope, scopeKind = row.ScopeKind.ToString(), revokedAt = row.RevokedAt };
}
