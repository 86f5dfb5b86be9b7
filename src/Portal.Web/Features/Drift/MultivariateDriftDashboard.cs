using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Features.Ingestion.Reference;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Drift;

/// <summary>The multivariate drift panel's data: the stored runs of the window (the latest always), and whether a reference with two numerical features exists.</summary>
/// <param name="NumericalReferenceFeatures">Numerical schema features the current reference has a column for (null: no reference).</param>
public sealed record MultivariateDriftView(IReadOnlyList<MultivariatePoint> Points, MultivariatePoint? Latest, int? NumericalReferenceFeatures, double Alpha);

/// <summary>Reads the multivariate fields of the drift job's stored runs (see Monitoring/MultivariateDrift.cs).</summary>
public sealed class MultivariateDriftDashboard(IDbContextFactory<PortalDbContext> contexts, TimeProvider time, IOptions<JobsOptions> options)
{
    public async Task<MultivariateDriftView> LoadAsync(ModelHeader model, DashboardWindow window, string? version, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var (from, to) = (window.StartAt(now).UtcDateTime, window.EndAt(now).UtcDateTime);
        var runs = db.DriftRuns.AsNoTracking().Where(r => r.ModelId == model.Id && r.ModelVersion == version && r.At <= to);
        var points = await runs.Where(r => r.At >= from).OrderByDescending(r => r.At).Take(DashboardWindow.MaxPoints).Select(Point).ToListAsync(cancellationToken);
        var latest = points.FirstOrDefault() ?? await runs.OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Select(Point).FirstOrDefaultAsync(cancellationToken);
        if (points.Count == 0 && latest is not null)
        {
            points.Add(latest);
        }

        points.Reverse();
        var columns = await ReferenceUpload.Current(db, model.Id).Select(d => d.Columns.Select(c => c.Name).ToList())
            .FirstOrDefaultAsync(cancellationToken);
        int? numerical = columns is null ? null : model.Features.Count(f => f.Type == FeatureType.Numerical && columns.Contains(f.Name));
        return new MultivariateDriftView(points, latest, numerical, options.Value.MmdAlpha);
    }

    private static readonly System.Linq.Expressions.Expression<Func<Portal.Data.Entities.Jobs.DriftRun, MultivariatePoint>> Point = r => new MultivariatePoint(
        r.At, r.PcaReconstructionError, r.PcaBandLower, r.PcaBandUpper, r.PcaDrift, r.PcaComponents, r.MmdStatistic, r.MmdPValue, r.MmdDrift, r.MultivariateMessage);
}
