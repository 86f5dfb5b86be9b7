using System.Diagnostics;
using Hangfire.Server;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.ScaleOut;
using Portal.Web.Infrastructure.Telemetry;
using Portal.Web.Realtime;

namespace Portal.Web.Infrastructure.Jobs;

/// <summary>The outcome a job body reports: a short summary and whether it refused to give a verdict.</summary>
public sealed record JobResult(string Summary, bool NotEnoughData = false);

/// <summary>
/// Records every job run (inputs, duration, outcome, error) in <see cref="JobRun"/> and publishes a model change when
/// it finishes. A failing body is recorded as Failed and the exception rethrown so Hangfire retries it (the retry is a
/// new run with the next attempt number): failures are visible, never silent.
/// </summary>
public sealed class JobRunRecorder(PortalDbContext db, IModelChangeNotifier notifier, PortalNode node, TimeProvider time, ILogger<JobRunRecorder> logger)
{
    public async Task<JobRun> RunAsync(
        string jobType,
        int? modelId,
        string? modelName,
        (DateTime Start, DateTime End)? window,
        Func<JobRun, CancellationToken, Task<JobResult>> body,
        PerformContext? context,
        CancellationToken cancellationToken)
    {
        // One span per run, parent of the run's database calls; Hangfire runs jobs outside any request, so it is a root span there.
        using var activity = PortalTelemetry.Source.StartActivity($"job {jobType}");
        activity?.SetTag(PortalTelemetry.JobTag, jobType);
        activity?.SetTag(PortalTelemetry.ModelTag, modelName);
        var run = new JobRun
        {
            JobType = jobType,
            ModelId = modelId,
            WindowStart = window?.Start,
            WindowEnd = window?.End,
            StartedAt = time.GetUtcNow().UtcDateTime,
            Attempt = (context?.GetJobParameter<int?>("RetryCount") ?? 0) + 1,
            Node = node.Name,
        };
        activity?.SetTag(PortalTelemetry.AttemptTag, run.Attempt);
        db.JobRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);

        var watch = Stopwatch.StartNew();
        try
        {
            var result = await body(run, cancellationToken);
            run.Outcome = result.NotEnoughData ? JobOutcome.NotEnoughData : JobOutcome.Succeeded;
            run.Summary = result.Summary;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The portal is stopping: not a fault of the job, which Hangfire puts back in its queue.
            run.Outcome = JobOutcome.Failed;
            run.Error = "Interrupted: the portal stopped; the job runs again.";
            logger.LogWarning("{JobType} job run {RunId} was interrupted by the portal stopping; it runs again.", jobType, run.Id);
            throw;
        }
        catch (Exception e)
        {
            run.Outcome = JobOutcome.Failed;
            run.Error = $"{e.GetType().Name}: {e.Message}";
            activity?.SetStatus(ActivityStatusCode.Error, run.Error);
            logger.LogError(e, "{JobType} job run {RunId} failed (attempt {Attempt})", jobType, run.Id, run.Attempt);
            throw;
        }
        finally
        {
            run.DurationMs = watch.Elapsed.TotalMilliseconds;
            run.FinishedAt = time.GetUtcNow().UtcDateTime;
            activity?.SetTag(PortalTelemetry.OutcomeTag, run.Outcome.ToString());

            // Update, not just SaveChanges: marks the run modified whether or not the body's work left it tracked.
            db.JobRuns.Update(run);
            await db.SaveChangesAsync(CancellationToken.None);
            if (modelName is not null)
            {
                notifier.Publish(modelName, jobType);
            }
        }

        return run;
    }
}
