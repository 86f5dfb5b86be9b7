using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Features.Models;

/// <summary>
/// One row of the models list: status colour from the worst active signal (the last hour's traffic, errors and latency
/// SLO, every drift signal (<see cref="DriftStatusRule"/>), and firing alerts: critical red, others amber), and the last hour's traffic.
/// </summary>
public sealed record ModelListItem(
    string Name, ModelTaskType TaskType, string? Description, string? Owner, HealthLevel Status, string StatusReason,
    long PredictionsLastHour, double[] Traffic);

/// <summary>What the models list shows: the models matching a search (name, description or owner) and a task type, one page of them.</summary>
public sealed record ModelListQuery(string Search = "", string Task = "", int Page = 0, int PageSize = ModelListQuery.DefaultPageSize)
{
    public const int DefaultPageSize = 50;

    public bool Matches(MlModel model) =>
        (Task.Length == 0 || model.TaskType.ToString() == Task)
        && (Search.Length == 0 || model.Name.Contains(Search, StringComparison.OrdinalIgnoreCase)
            || (model.Description?.Contains(Search, StringComparison.OrdinalIgnoreCase) ?? false)
            || (model.Owner?.Contains(Search, StringComparison.OrdinalIgnoreCase) ?? false));
}

/// <summary>One page of the models list: <see cref="Total"/> models match, <see cref="Items"/> are page <see cref="Page"/> (from 0).</summary>
public sealed record ModelListPage(int Total, int Page, int PageSize, IReadOnlyList<ModelListItem> Items)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>The models list and model headers, read from the model tables and the last hour of rollups.</summary>
public sealed class ModelDirectory(IDbContextFactory<PortalDbContext> contexts, TimeProvider time, ModelsListMetrics metrics)
{
    /// <summary>Window of the list's status and sparkline.</summary>
    public static readonly DashboardWindow ListWindow = DashboardWindow.Default;

    public async Task<ModelHeader?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var model = await db.Models.AsNoTracking().Include(m => m.Features).Include(m => m.Versions).AsSplitQuery()
            .FirstOrDefaultAsync(m => m.Name == name, cancellationToken);
        if (model is null)
        {
            return null;
        }

        var rolledVersions = await db.PredictionRollups.Where(r => r.ModelId == model.Id && r.Version != "")
            .Select(r => r.Version).Distinct().ToListAsync(cancellationToken);
        var versions = model.Versions.OrderBy(v => v.CreatedAt).Select(v => v.Version)
            .Concat(rolledVersions.Order(StringComparer.Ordinal)).Distinct().ToList();
        return new ModelHeader(model.Id, model.Name, model.TaskType, model.Description, model.Owner, versions,
            [.. model.Features.OrderBy(f => f.Ordinal)]);
    }

    /// <summary>
    /// The page of matching models with their status and sparkline. The filters run on the model rows; rollups, drift
    /// signals, SLOs and alerts are read for the page's models only, so a fleet of a thousand costs a page of fifty.
    /// </summary>
    public async Task<ModelListPage> ListAsync(ModelListQuery query, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var page = await BuildPageAsync(query, cancellationToken);
        metrics.Observe(time.GetElapsedTime(started));
        return page;
    }

    private async Task<ModelListPage> BuildPageAsync(ModelListQuery query, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var matching = (await db.Models.AsNoTracking().OrderBy(m => m.Name).ToListAsync(cancellationToken)).Where(query.Matches).ToList();
        var size = Math.Max(1, query.PageSize);
        var page = Math.Clamp(query.Page, 0, Math.Max(0, (matching.Count - 1) / size));
        var models = matching.Skip(page * size).Take(size).ToList();
        var ids = models.Select(m => m.Id).ToList();
        var range = ListWindow.At(time.GetUtcNow());
        var lastWeek = range.ShiftedBack(TimeSpan.FromDays(7));
        var rows = await db.PredictionRollups.AsNoTracking().Where(r => ids.Contains(r.ModelId) && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs)
            .Select(r => new { r.ModelId, Row = new PredictionRow(
                r.Version, r.MinuteMs, r.Count, r.Errors, r.SchemaViolations, r.LatencyCount, r.LatencySumMs, r.LatencyMaxMs, r.LatencyBuckets,
                r.ScoreCount, r.ScoreSum, null, null, r.LowConfidence, r.ValueCount, r.ValueSum, r.ValueSumSq) })
            .ToListAsync(cancellationToken);
        var lastWeekCounts = await db.PredictionRollups.Where(r => ids.Contains(r.ModelId) && r.MinuteMs >= lastWeek.FromMs && r.MinuteMs <= lastWeek.ToMs)
            .GroupBy(r => r.ModelId).Select(g => new { ModelId = g.Key, Count = g.Sum(r => r.Count) })
            .ToDictionaryAsync(x => x.ModelId, x => x.Count, cancellationToken);
        var drift = await DriftSignalsReader.LatestAsync(db, ids, DateTime.UnixEpoch.AddMilliseconds(range.FromMs), cancellationToken);
        var latencySlos = await db.SloDefinitions.AsNoTracking().Where(s => ids.Contains(s.ModelId) && s.Enabled && s.Kind == SloKind.Latency && s.LatencyBoundMs != null)
            .ToListAsync(cancellationToken);

        var firing = await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.ModelId) && a.State == nameof(AlertState.Firing))
            .Select(a => new { a.ModelId, a.Severity }).ToListAsync(cancellationToken);
        var alerts = firing.ToLookup(a => a.ModelId, a => a.Severity);

        var byModel = rows.ToLookup(r => r.ModelId, r => r.Row);
        var items = new List<ModelListItem>(models.Count);
        foreach (var model in models)
        {
            var stats = RollupQueries.Bucket(range, byModel[model.Id]);
            var slo = latencySlos.FirstOrDefault(s => s.ModelId == model.Id);
            var driftStatus = DriftStatusRule.Judge(drift.GetValueOrDefault(model.Id) ?? DriftSignals.None);
            var signals = new List<(HealthLevel Level, string Reason)>
            {
                (StatusRules.Traffic(stats.Total.Count, lastWeekCounts.GetValueOrDefault(model.Id)), "traffic vs last week"),
                (StatusRules.ErrorRate(stats.Total.Errors, stats.Total.Count), "error rate"),
                (StatusRules.Latency(slo is null ? null : stats.Total.ShareAbove(slo.LatencyBoundMs!.Value), slo?.TargetPercent), "latency SLO"),
                (driftStatus.Level, $"drift: {driftStatus.Reason}"),
            };
            if (alerts[model.Id].Any())
            {
                // Only firing alerts count: a model without any keeps its other signals (or grey), not a green "no alerts".
                signals.Add((StatusRules.Alerts(alerts[model.Id]), "firing alerts"));
            }

            var worst = StatusRules.Worst(signals.Select(s => s.Level));
            var reason = worst == HealthLevel.Unknown
                ? (stats.Total.Count == 0 ? "no traffic in the last hour" : "nothing to judge by yet")
                : string.Join(", ", signals.Where(s => s.Level == worst).Select(s => s.Reason));
            items.Add(new ModelListItem(model.Name, model.TaskType, model.Description, model.Owner, worst, reason,
                stats.Total.Count, [.. stats.Buckets.Select(b => (double)b.Count)]));
        }

        return new ModelListPage(matching.Count, page, size, items);
    }
}
