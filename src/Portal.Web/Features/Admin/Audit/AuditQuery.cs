using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Web.Features.Admin.Audit;

/// <summary>Filters of the audit page and API. Dates are UTC; <see cref="To"/> is exclusive.</summary>
public sealed record AuditFilter(string? Actor = null, string? EntityType = null, string? Action = null, DateTime? From = null, DateTime? To = null);

public sealed record AuditResults(IReadOnlyList<AuditEntry> Items, int Total);

public sealed class AuditQuery(IDbContextFactory<PortalDbContext> contexts)
{
    public const int MaxPageSize = 500;

    /// <summary>Newest first.</summary>
    public async Task<AuditResults> SearchAsync(AuditFilter filter, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var actor = filter.Actor.Trim().ToLowerInvariant();
            query = query.Where(e => e.Actor.ToLower().Contains(actor));
        }

        if (!string.IsNullOrWhiteSpace(filter.EntityType))
        {
            query = query.Where(e => e.EntityType == filter.EntityType);
        }

        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            query = query.Where(e => e.Action == filter.Action);
        }

        if (filter.From is { } from)
        {
            var fromUtc = from.ToUniversalTime();
            query = query.Where(e => e.At >= fromUtc);
        }

        if (filter.To is { } to)
        {
            var toUtc = to.ToUniversalTime();
            query = query.Where(e => e.At < toUtc);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(e => e.Id)
            .Skip(Math.Max(0, skip))
            .Take(Math.Clamp(take, 1, MaxPageSize))
            .ToListAsync(cancellationToken);
        return new AuditResults(items, total);
    }

    public async Task<IReadOnlyList<string>> EntityTypesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AuditEntries.AsNoTracking().Select(e => e.EntityType).Distinct().OrderBy(t => t).ToListAsync(cancellationToken);
    }
}
