using System.Net;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Infrastructure.Jobs;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Jobs.JobsTestData;

namespace Portal.Web.Tests.Jobs;

/// <summary>Failures are recorded and retried through Hangfire; schedules live in the database and survive a restart.</summary>
public sealed class JobSchedulingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_failing_job_is_recorded_as_failed_and_retried_by_hangfire_until_its_attempts_are_spent()
    {
        using var factory = new PortalFactory();
        var client = factory.CreateApiClient();
        var model = await NewModelAsync(client);
        await UploadReferenceAsync(client, model, Grid(300, 100), Grid(300, 1));
        await PostFeaturePredictionsAsync(client, model, Grid(200, 100), Grid(200, 1), DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddMinutes(-1), "p");
        var modelId = await ModelIdAsync(factory, model);

        // Settings written behind the form's back (as a schema change would leave them): ks cannot run on a categorical feature.
        await factory.WithServiceAsync<PortalDbContext, int>(db =>
        {
            db.DriftSettings.Add(new DriftSettings { ModelId = modelId, FeaturesJson = """{"country": {"test": "ks"}}""" });
            return db.SaveChangesAsync();
        });

        var jobs = factory.Services.GetRequiredService<IBackgroundJobClient>();
        var storage = factory.Services.GetRequiredService<JobStorage>();
        var jobId = jobs.Enqueue<DriftJob>(j => j.RunAsync(modelId, null, CancellationToken.None));

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var run = await WaitForAsync(() => FailedRunAsync(factory, modelId, attempt), $"failed run, attempt {attempt}");
            Assert.Contains("does not apply to the categorical column 'country'", run.Error);
            Assert.Equal(JobOutcome.Failed, run.Outcome);
            Assert.NotNull(run.FinishedAt);

            // Attempts 1–3 are followed by a scheduled retry; the retry delay is skipped by requeueing it now.
            var expected = attempt < 4 ? ScheduledState.StateName : FailedState.StateName;
            await WaitForAsync(() => Task.FromResult(StateOf(storage, jobId) == expected ? expected : null), $"Hangfire state {expected} after attempt {attempt}");
            if (attempt < 4)
            {
                Assert.Equal(attempt.ToString(), ParameterOf(storage, jobId, "RetryCount"));
                jobs.Requeue(jobId);
            }
        }

        var runs = await factory.WithServiceAsync<PortalDbContext, List<JobRun>>(db => db.JobRuns.AsNoTracking().Where(r => r.ModelId == modelId).ToListAsync());
        Assert.Equal([1, 2, 3, 4], runs.Select(r => r.Attempt).Order());
        Assert.All(runs, r => Assert.Equal(JobOutcome.Failed, r.Outcome));

        var listed = await GetJsonAsync(client, $"/api/v1/jobs/runs?model={model}&type=drift&outcome=failed");
        Assert.Equal(4, listed["total"]!.GetValue<int>());
        Assert.Contains("does not apply", listed["items"]![0]!["error"]!.GetValue<string>());
    }

    [Fact]
    public void Drift_quality_and_slo_jobs_retry_three_times()
    {
        Type[] analysisJobs = [typeof(DriftJob), typeof(Portal.Web.Features.Quality.QualityJob), typeof(Portal.Web.Features.Slos.SloJob)];
        foreach (var job in analysisJobs)
        {
            var method = job.GetMethod("RunAsync") ?? throw new InvalidOperationException($"{job.Name} has no RunAsync");
            var retry = method.GetCustomAttributes(typeof(AutomaticRetryAttribute), false).Cast<AutomaticRetryAttribute>().Single();
            Assert.Equal(3, retry.Attempts);
        }
    }

    [Fact]
    public async Task Schedules_survive_a_restart()
    {
        var database = await TestDatabase.CreateAsync();
        string model;
        try
        {
            using (var first = new PortalFactory { ConnectionString = database })
            {
                var client = first.CreateApiClient();
                model = await NewModelAsync(client);
                await PutDriftSettingsAsync(client, model, new { cron = "*/7 * * * *", window = "lastDay" });
                var (status, _) = await SendJsonAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/slos", new { name = "errors", kind = "errorRate", targetPercent = 99 });
                Assert.Equal(HttpStatusCode.Created, status);
                Assert.Equal("*/7 * * * *", RecurringJobSet.CronOf(first.Services.GetRequiredService<JobStorage>(), $"drift:{model}"));
            }

            using var second = new PortalFactory { ConnectionString = database };
            _ = second.CreateClient(); // starts the host: the registrar reads the schedules from the database
            var storage = second.Services.GetRequiredService<JobStorage>();
            Assert.Equal("*/7 * * * *", await WaitForAsync(() => Task.FromResult(RecurringJobSet.CronOf(storage, $"drift:{model}")), "drift schedule after restart"));
            Assert.Equal("*/5 * * * *", RecurringJobSet.CronOf(storage, $"slo:{model}"));
            Assert.Equal("*/15 * * * *", RecurringJobSet.CronOf(storage, $"quality:{model}"));
            Assert.NotNull(RecurringJobSet.CronOf(storage, ScheduleSyncJobSource.JobId));
        }
        finally
        {
            await TestDatabase.DeleteAsync(database);
        }
    }

    [Fact]
    public async Task Disabling_drift_removes_the_schedule_and_bad_settings_name_the_field()
    {
        using var factory = new PortalFactory();
        var client = factory.CreateApiClient();
        var model = await NewModelAsync(client);
        var storage = factory.Services.GetRequiredService<JobStorage>();
        await PutDriftSettingsAsync(client, model, new { cron = "0 */2 * * *" });
        Assert.Equal("0 */2 * * *", RecurringJobSet.CronOf(storage, $"drift:{model}"));

        await PutDriftSettingsAsync(client, model, new { features = new { country = new { test = "chi2_contingency", threshold = 0.01 } } });
        await PutDriftSettingsAsync(client, model, new { enabled = false });
        Assert.Null(RecurringJobSet.CronOf(storage, $"drift:{model}"));

        var cases = new (object Body, string Field)[]
        {
            (new { cron = "every hour" }, "cron"),
            (new { window = "fortnight" }, "window"),
            (new { window = "fixed", fixedStart = "2026-11-20T00:00:00Z" }, "fixedEnd"),
            (new { driftShare = 0 }, "driftShare"),
            (new { minSampleSize = 0 }, "minSampleSize"),
            (new { features = new { country = new { test = "ks" } } }, "features.country.test"),
            (new { features = new { amount = new { threshold = 0.2 } } }, "features.amount.threshold"),
            (new { features = new { nope = new { test = "psi" } } }, "features.nope"),
            (new { severity = new { psi = new { info = 0.3, warning = 0.2, critical = 0.25 } } }, "severity.psi"),
        };
        foreach (var (body, field) in cases)
        {
            var (status, answer) = await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/drift/settings", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(answer["errors"]?[field] is not null, $"expected an error for {field}: {answer.ToJsonString()}");
        }

        var viewer = await factory.SignInAsync("Viewer");
        var (forbidden, _) = await SendJsonAsync(viewer, HttpMethod.Put, $"/api/v1/models/{model}/drift/settings", new { cron = "0 * * * *" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        var current = await GetJsonAsync(viewer, $"/api/v1/models/{model}/drift/settings");
        Assert.False(current["enabled"]!.GetValue<bool>());
        Assert.Equal(0.25, current["severity"]!["ks"]!["critical"]!.GetValue<double>());

        var audit = await GetJsonAsync(client, $"/api/v1/audit?entityType=DriftSettings&take=500");
        Assert.Equal(3, audit["items"]!.AsArray().Count(e => e!["entityId"]!.GetValue<string>() == model)); // the three accepted PUTs
    }

    private static async Task<JobRun?> FailedRunAsync(PortalFactory factory, int modelId, int attempt) =>
        await factory.WithServiceAsync<PortalDbContext, JobRun?>(db => db.JobRuns.AsNoTracking()
            .FirstOrDefaultAsync(r => r.ModelId == modelId && r.Attempt == attempt && r.Outcome == JobOutcome.Failed));

    [Fact]
    public async Task Alert_evaluation_runs_while_every_shared_worker_is_busy_with_model_jobs()
    {
        // A fleet's quarter-hour enqueues a quality run per model: an alert evaluation queued behind them waited minutes.
        using var factory = new PortalFactory();
        var jobs = factory.Services.GetRequiredService<IBackgroundJobClient>();
        var storage = factory.Services.GetRequiredService<JobStorage>();
        var gate = Guid.NewGuid();
        BusyModelJob.Gates[gate] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            for (var i = 0; i < 10; i++)
            {
                jobs.Enqueue<BusyModelJob>(j => j.RunAsync(gate, CancellationToken.None));
            }

            await WaitForAsync(() => Task.FromResult(storage.GetMonitoringApi().ProcessingCount() >= 2 ? "busy" : null), "the model jobs holding the shared workers");
            var since = DateTime.UtcNow;
            ((IRecurringJobManagerV2)factory.Services.GetRequiredService<IRecurringJobManager>()).TriggerJob(AlertEvaluationJob.RecurringId);
            factory.Services.GetRequiredService<INotificationDispatcher>().Enqueue(-1);   // no such notification: the job just ends

            var run = await WaitForAsync(() => factory.WithServiceAsync<PortalDbContext, JobRun?>(db =>
                db.JobRuns.AsNoTracking().FirstOrDefaultAsync(r => r.JobType == AlertEvaluationJob.JobType && r.StartedAt >= since && r.FinishedAt != null)), "an alert evaluation");
            Assert.Equal(JobOutcome.Succeeded, run.Outcome);
            await WaitForAsync(() => Task.FromResult(storage.GetMonitoringApi().SucceededJobs(0, 100).Any(j => j.Value.Job?.Type == typeof(NotificationJob)) ? "sent" : null), "the notification job");
            Assert.True(storage.GetMonitoringApi().EnqueuedCount(JobQueues.Default) > 0, "the model jobs were still queued: alerting did not wait for them");
        }
        finally
        {
            BusyModelJob.Gates[gate].TrySetResult();
            BusyModelJob.Gates.TryRemove(gate, out _);
        }
    }

    [Fact]
    public async Task A_backlog_of_quality_runs_does_not_starve_drift_or_slo_runs_even_with_every_shared_worker_busy()
    {
        // A fleet's quarter-hour enqueues a thousand quality runs and its hour a thousand drift runs: in one shared queue
        // the drift runs waited for every quality run (0 of 1,000 finished in the benchmark's six minutes after the tick).
        using var factory = new PortalFactory();
        var client = factory.CreateApiClient();
        var model = await NewModelAsync(client);
        await PutDriftSettingsAsync(client, model, new { cron = "0 * * * *" });
        var (created, _) = await SendJsonAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/slos", new { name = "errors", kind = "errorRate", targetPercent = 99 });
        Assert.Equal(HttpStatusCode.Created, created);
        var storage = factory.Services.GetRequiredService<JobStorage>();
        using (var connection = storage.GetConnection())
        {
            // (The model's quality job is registered by the next schedule sync; it goes the same way.)
            var queues = connection.GetRecurringJobs([$"drift:{model}", $"slo:{model}"]).ToDictionary(j => j.Id, j => j.Job?.Queue);
            Assert.Equal(DriftSchedules.Family, queues[$"drift:{model}"]);
            Assert.Equal(Portal.Web.Features.Slos.SloSchedules.Family, queues[$"slo:{model}"]);
        }

        var jobs = factory.Services.GetRequiredService<IBackgroundJobClient>();
        var gate = Guid.NewGuid();
        BusyModelJob.Gates[gate] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            for (var i = 0; i < 10; i++)
            {
                jobs.Enqueue<BusyModelJob>(Portal.Web.Features.Quality.QualitySchedules.Family, j => j.RunAsync(gate, CancellationToken.None));
                jobs.Enqueue<BusyModelJob>(JobQueues.Default, j => j.RunAsync(gate, CancellationToken.None));
            }

            await WaitForAsync(() => Task.FromResult(storage.GetMonitoringApi().ProcessingCount() >= JobsServiceCollectionExtensions.SharedWorkerCount + 1 ? "busy" : null), "runs holding the shared workers and the quality worker");
            var since = DateTime.UtcNow;
            var recurring = (IRecurringJobManagerV2)factory.Services.GetRequiredService<IRecurringJobManager>();
            recurring.TriggerJob($"drift:{model}");
            recurring.TriggerJob($"slo:{model}");

            foreach (var jobType in new[] { DriftJob.JobType, Portal.Web.Features.Slos.SloJob.JobType })
            {
                var run = await WaitForAsync(() => factory.WithServiceAsync<PortalDbContext, JobRun?>(db =>
                    db.JobRuns.AsNoTracking().FirstOrDefaultAsync(r => r.JobType == jobType && r.StartedAt >= since && r.FinishedAt != null)), $"a {jobType} run");
                Assert.NotEqual(JobOutcome.Failed, run.Outcome);
            }

            Assert.True(storage.GetMonitoringApi().EnqueuedCount(Portal.Web.Features.Quality.QualitySchedules.Family) > 0, "the quality runs were still queued: the others did not wait for them");
            Assert.True(storage.GetMonitoringApi().EnqueuedCount(JobQueues.Default) > 0, "the shared workers were still busy");
        }
        finally
        {
            BusyModelJob.Gates[gate].TrySetResult();
            BusyModelJob.Gates.TryRemove(gate, out _);
        }
    }

    /// <summary>A model job that holds its worker until the test opens its gate.</summary>
    public sealed class BusyModelJob
    {
        public static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, TaskCompletionSource> Gates = new();

        public Task RunAsync(Guid gate, CancellationToken cancellationToken) =>
            Gates.TryGetValue(gate, out var open) ? open.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    private static string? StateOf(JobStorage storage, string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    private static string? ParameterOf(JobStorage storage, string jobId, string name)
    {
        using var connection = storage.GetConnection();
        return connection.GetJobParameter(jobId, name);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Waited {Patience.TotalSeconds} s for {what}.");
    }
}
