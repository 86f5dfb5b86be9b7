using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Web.Features.Alerts;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Alerting;

/// <summary>
/// A portal whose alert evaluation is driven by the test (no recurring job), with no group wait, a 1 s group interval
/// and 10 ms retry backoff, plus helpers to seed models, rollups, rules and channels.
/// </summary>
public sealed class AlertingTestHost : IDisposable
{
    /// <param name="realNotifications">
    /// False: each notification job runs directly in a scope of this host and a failed one is left failed (fast, no
    /// Hangfire retry). True: the portal's own dispatcher, so notifications go through this host's Hangfire server and
    /// its retries, as in production.
    /// </param>
    /// <param name="settings">Configuration on top of the alerting defaults above.</param>
    /// <param name="clock">The portal's clock (a FakeTimeProvider the test moves), or the real one.</param>
    public AlertingTestHost(bool realNotifications = false, IReadOnlyDictionary<string, string>? settings = null, TimeProvider? clock = null)
    {
        Factory = new PortalFactory
        {
            Settings =
            {
                ["Portal:Alerting:EvaluationSeconds"] = "0",
                ["Portal:Alerting:GroupWaitSeconds"] = "0",
                ["Portal:Alerting:GroupIntervalSeconds"] = "1",
                ["Portal:Alerting:RetryBaseDelayMs"] = "10",
                ["Portal:Alerting:PublicUrl"] = "http://portal.test",
                ["Portal:Metrics:RefreshSeconds"] = "0",
            },
            TestServices = s =>
            {
                if (!realNotifications)
                {
                    s.AddScoped<INotificationDispatcher, InHostDispatcher>();
                }

                if (clock is not null)
                {
                    s.AddSingleton(clock);
                }
            },
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            Factory.Settings[key] = value;
        }

        _ = Factory.Server; // start the host (migrations, seeds)
    }

    public PortalFactory Factory { get; }

    /// <summary>
    /// A whole minute 30 minutes before this host started, so every evaluation a test makes (up to T + 25 m) is before the
    /// real clock however long the whole run takes.
    /// </summary>
    public DateTimeOffset BaseTime { get; } = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds() / 60_000 * 60_000);

    public async Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    public Task<T> WithAsync<TService, T>(Func<TService, Task<T>> work) where TService : notnull => Factory.WithServiceAsync(work);

    public Task<MlModel> ModelAsync(string name, ModelTaskType task = ModelTaskType.Binary) => DbAsync(async db =>
    {
        var model = new MlModel { Name = name, TaskType = task };
        db.Models.Add(model);
        await db.SaveChangesAsync();
        return model;
    });

    /// <summary>One rollup a minute from <paramref name="from"/> for <paramref name="minutes"/> minutes: 100 predictions, errorRate × 100 errors.</summary>
    public Task SeedTrafficAsync(int modelId, DateTimeOffset from, int minutes, double errorRate, string version = "v1", double latencyMs = 20) => DbAsync(async db =>
    {
        for (var i = 0; i < minutes; i++)
        {
            var minute = from.ToUnixTimeMilliseconds() / 60_000 * 60_000 + (i * 60_000L);
            var existing = await db.PredictionRollups.FirstOrDefaultAsync(r => r.ModelId == modelId && r.Version == version && r.MinuteMs == minute);
            if (existing is not null)
            {
                db.PredictionRollups.Remove(existing);
                await db.SaveChangesAsync();
            }

            var latency = new Portal.Data.Rollups.LogHistogram();
            latency.Add(latencyMs, 100);
            db.PredictionRollups.Add(new PredictionRollup
            {
                ModelId = modelId, Version = version, MinuteMs = minute, Count = 100, Errors = (long)Math.Round(errorRate * 100),
                LatencyCount = 100, LatencySumMs = latencyMs * 100, LatencyMaxMs = latencyMs, LatencyBuckets = latency.ToJson(),
                ScoreCount = 100, ScoreSum = 80, ScoreBins = Portal.Data.Rollups.ScoreHistogram.ToJson(Enumerable.Range(0, 20).Select(b => b == 16 ? 100L : 0L).ToArray()),
                ClassCounts = "{\"1\":60,\"0\":40}",
            });
        }

        await db.SaveChangesAsync();
        return 0;
    });

    public Task<NotificationChannel> ChannelAsync(string name, ChannelType type, ChannelSettings settings, string? secret = null, bool sendResolved = true) =>
        WithAsync<ChannelService, NotificationChannel>(s => s.SaveAsync(new ChannelForm { Name = name, Type = type, Settings = settings, Secret = secret, SendResolved = sendResolved }));

    public async Task<AlertRuleEntity> RuleAsync(string name, string model, double threshold, string forDuration, IReadOnlyList<int> channels,
        Portal.Analysis.Alerting.AlertSeverity severity = Portal.Analysis.Alerting.AlertSeverity.Warning, int? runbookId = null, string repeat = "4h", string window = "5m", string keepFiringFor = "0s")
    {
        return await WithAsync<AlertRuleService, AlertRuleEntity>(s => s.SaveAsync(new AlertRuleForm
        {
            Name = name, Model = model, Metric = AlertMetric.ErrorRate, Comparator = Portal.Analysis.Alerting.Comparator.GreaterThan, Threshold = threshold,
            Window = window, For = forDuration, KeepFiringFor = keepFiringFor, Severity = severity, ChannelIds = [.. channels], RunbookId = runbookId, RepeatInterval = repeat,
        }));
    }

    /// <summary>
    /// Evaluates at <paramref name="at"/> once the notifications queued so far are delivered or failed: in the portal
    /// evaluations are 30 s apart, and a group's delivery is recorded only when it finishes.
    /// </summary>
    public async Task<EvaluationSummary> EvaluateAsync(DateTimeOffset at)
    {
        await SettledNotificationsAsync();
        return await WithAsync<AlertEvaluator, EvaluationSummary>(e => e.EvaluateAsync(at, CancellationToken.None));
    }

    public Task<List<AlertRecord>> AlertsAsync() => DbAsync(db => db.Alerts.AsNoTracking().Include(a => a.History).OrderBy(a => a.Id).ToListAsync());

    public Task<List<AlertNotification>> NotificationsAsync() => DbAsync(db => db.AlertNotifications.AsNoTracking().Include(n => n.Attempts).OrderBy(n => n.Id).ToListAsync());

    /// <summary>Waits until every queued notification is sent or failed (the Hangfire jobs run in the test host).</summary>
    public async Task<List<AlertNotification>> SettledNotificationsAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var all = await NotificationsAsync();
            if (all.All(n => n.Outcome != "Queued") || DateTime.UtcNow > deadline)
            {
                return all;
            }

            await Task.Delay(50);
        }
    }

    public void Dispose() => Factory.Dispose();

    private sealed class InHostDispatcher(IServiceScopeFactory scopes) : INotificationDispatcher
    {
        public void Enqueue(long notificationId) => _ = Task.Run(async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<NotificationJob>().SendAsync(notificationId, null, CancellationToken.None);
            }
            catch (NotificationFailedException)
            {
                // Stored as a failed notification with its attempts; the group is notified again at its next group interval.
            }
        });
    }
}
