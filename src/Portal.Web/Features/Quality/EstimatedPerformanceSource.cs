using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Features.Quality;

/// <summary>The quality job's stored estimates for the estimated-performance panel (all segments, one job window).</summary>
public sealed class EstimatedPerformanceSource(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    public const int MaxPoints = 500;

    /// <summary>The quality job window shown for a dashboard window: 1h, 1d or 7d.</summary>
    public static JobWindow JobWindowFor(DashboardWindow window) => JobWindows.Nearest(window.Span);

    /// <summary>
    /// Results of the job window nearest the dashboard window, oldest first, computed over the dashboard window (at least
    /// the last day, as the job runs every 15 minutes), for the version or all versions.
    /// </summary>
    public async Task<List<QualityResult>> LoadAsync(ModelHeader model, DashboardWindow window, string? version, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var jobWindow = JobWindowFor(window);
        var until = window.EndAt(time.GetUtcNow()).UtcDateTime;
        var since = until - (window.Span > TimeSpan.FromDays(1) ? window.Span : TimeSpan.FromDays(1));
        var versionKey = version ?? "";
        var rows = await db.QualityResults.AsNoTracking()
            .Where(r => r.ModelId == model.Id && r.Window == jobWindow && r.Version == versionKey && r.Segment == "" && r.At >= since && r.At <= until)
            .OrderByDescending(r => r.At).Take(MaxPoints).ToListAsync(cancellationToken);
        rows.Reverse();
        return rows;
    }
}
