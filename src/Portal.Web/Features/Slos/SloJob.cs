using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Slo;
using Portal.Data;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure.Jobs;
using SloStatus = Portal.Data.Entities.Jobs.SloStatus;

namespace Portal.Web.Features.Slos;

/// <summary>
/// The SLO job of one model: every enabled SLO evaluated on the per-minute rollups of its window (28 or 30 days, whole
/// minutes up to the current one) with <see cref="SloEvaluator"/>: compliance, error budget, burn rates over
/// 5m … 3d, the four multi-window burn-rate alert pairs and the burn-down series. The result overwrites the SLO's
/// <see cref="SloStatus"/> row, which the SLO page, the dashboards and alerting read.
/// </summary>
public sealed class SloJob(PortalDbContext db, JobRunRecorder recorder, TimeProvider time, ILogger<SloJob> logger)
{
    public const string JobType = "slo";

    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(int modelId, PerformContext? context, CancellationToken cancellationToken)
    {
        if (await SloSchedules.Job.ModelAsync(db, modelId, logger, cancellationToken) is not { } model)
        {
            return;
        }

        var slos = await db.SloDefinitions.AsNoTracking().Where(s => s.ModelId == modelId && s.Enabled).ToListAsync(cancellationToken);
        if (slos.Count == 0)
        {
            logger.LogInformation("SLO job for model {ModelId} skipped: no enabled SLO", modelId);
            return;
        }

        // Whole minutes only: the current minute is still filling up.
        var endMs = RollupAccumulator.MinuteOf(time.GetUtcNow().ToUnixTimeMilliseconds());
        var end = DateTimeOffset.FromUnixTimeMilliseconds(endMs);
        var start = end.AddDays(-slos.Max(s => s.WindowDays));
        await recorder.RunAsync(JobType, model.Id, model.Name, (start.UtcDateTime, end.UtcDateTime), async (run, token) =>
        {
            var rollups = await SloRollups.LoadAsync(db, model.Id, slos, start.ToUnixTimeMilliseconds(), endMs, token);
            var created = RollupAccumulator.MinuteOf(model.CreatedAt.ToUnixTimeMilliseconds());

            var evaluatedAt = time.GetUtcNow().UtcDateTime;
            var reports = new Dictionary<int, SloReport>();
            var lines = new List<string>();
            foreach (var slo in slos)
            {
                var definition = SloInput.From(slo).ToAnalysis();
                var first = Math.Max(end.AddDays(-slo.WindowDays).ToUnixTimeMilliseconds(), created);
                var series = SloSeriesBuilder.Build(definition, rollups.Predictions, rollups.Quality, first, endMs);
                var report = SloEvaluator.Evaluate(definition, series, end);
                reports[slo.Id] = report;
                var firing = report.Alerts.Where(a => a.Firing).Select(a => a.Rule.Name).ToList();
                lines.Add($"{slo.Name}: {report.Status.ToString().ToLowerInvariant()}" + (firing.Count > 0 ? $" (firing {string.Join(", ", firing)})" : ""));
            }

            await SaveStatusesAsync(reports, evaluatedAt, token);
            return new JobResult(string.Join("; ", lines));
        }, context, cancellationToken);
    }

    /// <summary>
    /// Two evaluations of one model often overlap: creating two SLOs enqueues two, beside the schedule. Within a node
    /// their reads and writes of the status rows take turns (else both insert a new SLO's row, and the loser's failed
    /// insert is logged as an error); across nodes it can still happen, and the loser reads the rows again.
    /// </summary>
    private static readonly SemaphoreSlim StatusWrites = new(1, 1);

    /// <summary>Overwrites each SLO's status row (inserting it the first time).</summary>
    private async Task SaveStatusesAsync(Dictionary<int, SloReport> reports, DateTime evaluatedAt, CancellationToken cancellationToken)
    {
        await StatusWrites.WaitAsync(cancellationToken);
        try
        {
            await SaveStatusesOnceAsync(reports, evaluatedAt, cancellationToken);
        }
        finally
        {
            StatusWrites.Release();
        }
    }

    private async Task SaveStatusesOnceAsync(Dictionary<int, SloReport> reports, DateTime evaluatedAt, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ids = reports.Keys.ToList();
            var statuses = await db.SloStatuses.Where(s => ids.Contains(s.SloId)).ToDictionaryAsync(s => s.SloId, cancellationToken);
            foreach (var (id, report) in reports)
            {
                if (!statuses.TryGetValue(id, out var status))
                {
                    status = new SloStatus { SloId = id, Status = "" };
                    db.SloStatuses.Add(status);
                }

                SloStatusView.Apply(report, status, evaluatedAt);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                foreach (var entry in db.ChangeTracker.Entries<SloStatus>().ToList())
                {
                    entry.State = EntityState.Detached;
                }
            }
        }
    }
}
