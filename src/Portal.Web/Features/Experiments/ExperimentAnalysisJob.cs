using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Experiments;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Experiments;

/// <summary>The recurring analysis of one running experiment (every 5 minutes), recorded as a JobRun of type "experiment".</summary>
public sealed class ExperimentAnalysisJob(PortalDbContext db, JobRunRecorder recorder, ExperimentAnalysisService analysis, TimeProvider time)
{
    public const string JobType = "experiment";
    public const string Cron = "*/5 * * * *";
    public const string RecurringIdPrefix = "experiment-analysis:";

    public static string RecurringId(string experimentId) => RecurringIdPrefix + experimentId;

    public static void Schedule(IRecurringJobManager jobs, string experimentId) =>
        jobs.AddOrUpdate<ExperimentAnalysisJob>(RecurringId(experimentId), j => j.RunAsync(experimentId, null, CancellationToken.None), Cron);

    public static void Unschedule(IRecurringJobManager jobs, string experimentId) => jobs.RemoveIfExists(RecurringId(experimentId));

    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(string experimentId, PerformContext? context, CancellationToken cancellationToken)
    {
        var experiment = await db.Experiments.AsNoTracking().Include(e => e.Model).FirstOrDefaultAsync(e => e.Id == experimentId, cancellationToken);
        if (experiment is null || experiment.State != ExperimentState.Running)
        {
            // Stopped or deleted since the schedule was read: nothing to analyse.
            return;
        }

        await RunRecordedAsync(experiment, context, cancellationToken);
    }

    /// <summary>One recorded analysis (also used by "Analyse now" and by stopping, so every analysis has its JobRun).</summary>
    public async Task<(ExperimentAnalysis Analysis, ExperimentResult Result, bool Stored)> RunRecordedAsync(Experiment experiment, PerformContext? context, CancellationToken cancellationToken)
    {
        (ExperimentAnalysis, ExperimentResult, bool) outcome = default;
        var window = (experiment.StartedAt ?? time.GetUtcNow().UtcDateTime, experiment.StoppedAt ?? time.GetUtcNow().UtcDateTime);
        await recorder.RunAsync(JobType, experiment.ModelId, experiment.Model?.Name, window, async (run, token) =>
        {
            outcome = await analysis.AnalyseAsync(experiment.Id, run.Id, token);
            var (_, result, stored) = outcome;
            var counts = string.Join(" / ", result.Arms.Select(a => $"{a.Arm} {a.Count}"));
            var summary = $"{result.VerdictTitle} ({counts} of {result.RequiredPerVariant} per arm){(stored ? "" : "; data unchanged since the last analysis")}";
            return new JobResult(summary, NotEnoughData: result.Arms.Any(a => a.Count == 0));
        }, context, cancellationToken);
        return outcome;
    }
}

/// <summary>Registers the analysis job of every running experiment at start-up and removes those of the others.</summary>
public sealed class ExperimentJobSource(PortalDbContext db, JobStorage storage) : IRecurringJobSource
{
    public async Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        var running = await db.Experiments.AsNoTracking().Where(e => e.State == ExperimentState.Running).Select(e => e.Id).ToListAsync(cancellationToken);
        foreach (var id in running)
        {
            ExperimentAnalysisJob.Schedule(jobs, id);
        }

        using var connection = storage.GetConnection();
        foreach (var job in Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection))
        {
            if (job.Id.StartsWith(ExperimentAnalysisJob.RecurringIdPrefix, StringComparison.Ordinal)
                && !running.Contains(job.Id[ExperimentAnalysisJob.RecurringIdPrefix.Length..]))
            {
                jobs.RemoveIfExists(job.Id);
            }
        }
    }
}
