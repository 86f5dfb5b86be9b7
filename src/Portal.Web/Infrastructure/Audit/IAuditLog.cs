using Portal.Data;

namespace Portal.Web.Infrastructure.Audit;

/// <summary>
/// Records configuration changes: who (the current user or API key), when, what, and the entity's state before and
/// after. Call it for every create, update and delete of anything configurable, e.g.
/// <c>await audit.RecordAsync(db, "update", "AlertRule", rule.Id.ToString(), before, after)</c>.
/// </summary>
public interface IAuditLog
{
    /// <summary>
    /// Saves one entry. <paramref name="before"/> / <paramref name="after"/> are serialised to JSON (null for a
    /// create / delete); pass snapshots of the settings, never secrets. It calls SaveChanges on
    /// <paramref name="db"/>, the caller's context of this operation, so its pending changes are committed together
    /// with the entry.
    /// </summary>
    Task RecordAsync(PortalDbContext db, string action, string entityType, string entityId, object? before, object? after, CancellationToken cancellationToken = default);
}

public static class AuditActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Revoke = "revoke";
    public const string Lock = "lock";
    public const string Unlock = "unlock";
}
