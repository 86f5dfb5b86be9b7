using System.Text.Json;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Infrastructure.Audit;

public sealed class AuditLog(CurrentUser currentUser, ILogger<AuditLog> logger) : IAuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RecordAsync(PortalDbContext db, string action, string entityType, string entityId, object? before, object? after, CancellationToken cancellationToken = default)
    {
        var entry = new AuditEntry
        {
            At = DateTime.UtcNow,
            Actor = Truncate(await currentUser.NameAsync(), 256),
            Action = Truncate(action, 64),
            EntityType = Truncate(entityType, 128),
            EntityId = Truncate(entityId, 256),
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        };
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Audit: {Actor} {Action} {EntityType} {EntityId}", entry.Actor, entry.Action, entry.EntityType, entry.EntityId);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
