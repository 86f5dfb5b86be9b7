using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Components.Charts;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Infrastructure.Dashboards;

/// <summary>
/// The events a model page marks on its time charts, within its window: versions that started serving, drift runs whose
/// verdict was drift (and the first run after them that cleared it — every hourly "no drift" would hide the story),
/// alerts of the model firing and resolving, and its experiments starting and stopping. Read from the stored rows, so
/// the backfilled demo history and real data are annotated alike.
/// </summary>
public sealed class ModelAnnotations(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    /// <summary>At most this many of each kind (the newest): a chart with hundreds of lines would show nothing else.</summary>
    public const int MaxPerKind = 100;

    public async Task<List<ChartAnnotation>> LoadAsync(int modelId, DashboardWindow window, string? version, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var (from, to) = (window.StartAt(now), window.EndAt(now));
        var (fromUtc, toUtc) = (from.UtcDateTime, to.UtcDateTime);
        var annotations = new List<ChartAnnotation>();

        // A version's start is its first minute ever: one that served before the window did not start in it.
        foreach (var (name, at) in await ModelVersionStarts.LoadAsync(db, modelId, DateTimeOffset.UnixEpoch, to, cancellationToken))
        {
            if (at >= from)
            {
                annotations.Add(new ChartAnnotation(at.UtcDateTime, AnnotationKind.VersionStarted, $"Version {name} started serving"));
            }
        }

        annotations.AddRange(await DriftAsync(db, modelId, version, fromUtc, toUtc, cancellationToken));

        var rules = db.AlertRules.AsNoTracking();
        var alertChanges = await db.AlertStateChanges.AsNoTracking()
            .Join(db.Alerts.AsNoTracking().Where(a => a.ModelId == modelId), c => c.AlertId, a => a.Id, (c, a) => new { c.At, c.To, a.RuleId, a.Severity })
            .Where(c => (c.To == "Firing" || c.To == "Resolved") && c.At >= fromUtc && c.At <= toUtc)
            .OrderByDescending(c => c.At).Take(MaxPerKind * 2)
            .Select(c => new { c.At, c.To, c.Severity, Rule = rules.Where(r => r.Id == c.RuleId).Select(r => r.Name).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        annotations.AddRange(alertChanges.Select(c => c.To == "Firing"
            ? new ChartAnnotation(c.At, AnnotationKind.AlertFiring, $"Alert firing: {c.Rule} ({c.Severity})")
            : new ChartAnnotation(c.At, AnnotationKind.AlertResolved, $"Alert resolved: {c.Rule}")));

        var experiments = await db.Experiments.AsNoTracking()
            .Where(e => e.ModelId == modelId && ((e.StartedAt >= fromUtc && e.StartedAt <= toUtc) || (e.StoppedAt >= fromUtc && e.StoppedAt <= toUtc)))
            .OrderByDescending(e => e.StartedAt).Take(MaxPerKind).Select(e => new { e.Name, e.StartedAt, e.StoppedAt }).ToListAsync(cancellationToken);
        foreach (var e in experiments)
        {
            if (e.StartedAt is { } started && started >= fromUtc && started <= toUtc)
            {
                annotations.Add(new ChartAnnotation(started, AnnotationKind.ExperimentStarted, $"Experiment started: {e.Name}"));
            }

            if (e.StoppedAt is { } stopped && stopped >= fromUtc && stopped <= toUtc)
            {
                annotations.Add(new ChartAnnotation(stopped, AnnotationKind.ExperimentStopped, $"Experiment stopped: {e.Name}"));
            }
        }

        return [.. annotations.Select(a => a with { At = DateTime.SpecifyKind(a.At, DateTimeKind.Utc) }).OrderBy(a => a.At)];
    }

    private static async Task<List<ChartAnnotation>> DriftAsync(PortalDbContext db, int modelId, string? version, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var verdicts = db.DriftRuns.AsNoTracking().Where(r => r.ModelId == modelId && r.ModelVersion == version && r.HasVerdict);
        var runs = await verdicts.Where(r => r.At >= from && r.At <= to)
            .OrderByDescending(r => r.At).Take(DashboardWindow.MaxPoints)
            .Select(r => new { r.At, r.DatasetDrift, r.Severity, r.DriftedFeatures, r.Features })
            .ToListAsync(cancellationToken);
        runs.Reverse();
        var found = new List<ChartAnnotation>();

        // Whether the model was drifting when the window began: the first run in it may clear that drift.
        var drifting = await verdicts.Where(r => r.At < from).OrderByDescending(r => r.At)
            .Select(r => r.DatasetDrift || r.Severity != DriftSeverity.None).FirstOrDefaultAsync(cancellationToken);
        foreach (var r in runs)
        {
            var drift = r.DatasetDrift || r.Severity != DriftSeverity.None;
            if (drift)
            {
                var severity = r.Severity.ToString().ToLower(CultureInfo.InvariantCulture);
                found.Add(new ChartAnnotation(r.At, AnnotationKind.DriftDetected, $"Drift run: {r.DriftedFeatures} of {r.Features} features drifted, severity {severity}"));
            }
            else if (drifting)
            {
                found.Add(new ChartAnnotation(r.At, AnnotationKind.DriftCleared, "Drift run: no drift any more"));
            }

            drifting = drift;
        }

        return [.. found.TakeLast(MaxPerKind)];
    }
}
