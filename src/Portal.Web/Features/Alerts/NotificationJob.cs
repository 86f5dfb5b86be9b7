using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Alerts;

/// <summary>Hands a notification to whatever sends it (a Hangfire job in the portal).</summary>
public interface INotificationDispatcher
{
    void Enqueue(long notificationId);
}

public sealed class HangfireNotificationDispatcher(IBackgroundJobClient jobs) : INotificationDispatcher
{
    public void Enqueue(long notificationId) => jobs.Enqueue<NotificationJob>(JobQueues.Alerting, j => j.SendAsync(notificationId, null, CancellationToken.None));
}

/// <summary>
/// One Hangfire job per notification: the sender retries with backoff inside the job (every attempt stored), and a
/// notification that still fails fails the job (visible on /jobs and as JobRuns "notify"). Hangfire does not retry it:
/// as in Alertmanager, the group is notified again at its next group interval, with the alerts as they are then.
/// </summary>
public sealed class NotificationJob(NotificationSender sender, JobRunRecorder recorder, PortalDbContext db)
{
    public const string JobType = "notify";

    [AutomaticRetry(Attempts = 0)]
    public async Task SendAsync(long notificationId, PerformContext? context, CancellationToken cancellationToken)
    {
        var notification = await db.AlertNotifications.Where(n => n.Id == notificationId).Select(n => new { n.ChannelId, n.GroupKey }).FirstOrDefaultAsync(cancellationToken);
        if (notification is null)
        {
            return; // the channel (and so its notifications) was deleted meanwhile
        }

        // The group's model when the channel groups by model; none for a group of several models.
        var model = await (from g in db.NotificationGroups
                           join m in db.Models on g.ModelId equals m.Id
                           where g.ChannelId == notification.ChannelId && g.GroupKey == notification.GroupKey
                           select m.Name).FirstOrDefaultAsync(cancellationToken);
        await recorder.RunAsync(JobType, null, model, null, async (_, ct) =>
        {
            var sent = await sender.SendAsync(notificationId, ct);
            return new JobResult($"notification {sent.Id} ({sent.GroupKey}, {sent.Status}) sent");
        }, context, cancellationToken);
    }
}

/// <summary>The recurring alert evaluation: every <see cref="AlertingOptions.EvaluationSeconds"/> seconds.</summary>
public sealed class AlertEvaluationJob(
    AlertEvaluator evaluator, JobRunRecorder recorder, PortalDatabaseInfo database, TimeProvider time, ILogger<AlertEvaluationJob> logger)
{
    public const string JobType = "alerts";
    public const string RecurringId = "alerts-evaluate";

    [AutomaticRetry(Attempts = 0)] // the next run is 30 s away: retrying an old evaluation would only fall behind
    public async Task EvaluateAsync(PerformContext? context, CancellationToken cancellationToken)
    {
        // Not Hangfire's DisableConcurrentExecution: on PostgreSQL its lock is a table row that a killed node leaves
        // behind, stalling alerting on every node until it times out. A session advisory lock dies with its node; an
        // occurrence that finds it held skips (the evaluation it overlaps is recent, the next one seconds away).
        await using var clusterLock = await database.TryAcquireClusterLockAsync(ClusterLockKeys.AlertEvaluation, cancellationToken);
        if (clusterLock is null)
        {
            logger.LogInformation("Alert evaluation skipped: another node is evaluating.");
            return;
        }

        var now = time.GetUtcNow();
        await recorder.RunAsync(JobType, null, null, null, async (_, ct) =>
        {
            var summary = await evaluator.EvaluateAsync(now, ct);
            return new JobResult(summary.ToString());
        }, context, cancellationToken);
    }
}

public sealed class AlertEvaluationJobSource(Microsoft.Extensions.Options.IOptions<AlertingOptions> options) : IRecurringJobSource
{
    public Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        var seconds = options.Value.EvaluationSeconds;
        if (seconds <= 0)
        {
            jobs.RemoveIfExists(AlertEvaluationJob.RecurringId);
            return Task.CompletedTask;
        }

        // Hangfire's six-field cron (seconds first); a step of 60 s or more runs once a minute.
        var cron = seconds < 60 ? $"*/{seconds} * * * * *" : Cron.Minutely();
        jobs.AddOrUpdate<AlertEvaluationJob>(AlertEvaluationJob.RecurringId, JobQueues.Alerting, j => j.EvaluateAsync(null, CancellationToken.None), cron, RecurringJobSet.Utc);
        return Task.CompletedTask;
    }
}
