using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Alerts;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Alerting;

/// <summary>
/// Notifications through the production path: the portal's Hangfire dispatcher, the real "notify" job on this host's
/// Hangfire server, the resilience pipeline's retries as configured, to a real local HTTP receiver.
/// </summary>
public sealed class NotificationDeliveryTests
{
    [Fact]
    public async Task A_firing_rule_is_delivered_by_the_hangfire_notify_job_as_an_alertmanager_webhook()
    {
        using var host = new AlertingTestHost(realNotifications: true);
        using var receiver = new HttpReceiver();
        var t = host.BaseTime;
        var model = await host.ModelAsync("delivered");
        await host.SeedTrafficAsync(model.Id, t, 3, 0.5);
        var channel = await host.ChannelAsync("real-hook", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });
        await host.RuleAsync("HighErrorRate", "delivered", 0.05, "0s", [channel.Id]);

        await host.EvaluateAsync(t.AddMinutes(2));

        var sent = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal("4", (string?)sent["version"]);
        Assert.Equal("firing", (string?)sent["status"]);
        Assert.Equal("real-hook", (string?)sent["receiver"]);
        Assert.Equal("delivered", (string?)sent["groupLabels"]!["model"]);
        Assert.Equal("HighErrorRate", (string?)sent["alerts"]![0]!["labels"]!["alertname"]);
        Assert.Equal((await host.AlertsAsync()).Single().Fingerprint, (string?)sent["alerts"]![0]!["fingerprint"]);

        var run = await NotifyRunAsync(host);
        Assert.Equal(JobOutcome.Succeeded, run.Outcome);
        Assert.Equal(1, run.Attempt);
        Assert.Equal("Sent", Assert.Single(await host.SettledNotificationsAsync()).Outcome);
        Assert.Contains(await SucceededHangfireJobsAsync<NotificationJob>(host), job => job.Type == typeof(NotificationJob));
    }

    [Fact]
    public async Task A_receiver_that_fails_four_times_then_recovers_gets_the_notification_within_the_configured_retries()
    {
        // Four retries 10, 20, 40, 80 ms apart, from configuration (the default, 3, would give up before the receiver recovers).
        using var host = new AlertingTestHost(realNotifications: true, new Dictionary<string, string>
        {
            ["Portal:Alerting:Retries"] = "4",
            ["Portal:Alerting:RetryBaseDelayMs"] = "10",
        });
        using var receiver = new HttpReceiver(failFirst: 4);
        var t = host.BaseTime;
        var model = await host.ModelAsync("flaky-receiver");
        await host.SeedTrafficAsync(model.Id, t, 3, 0.5);
        var channel = await host.ChannelAsync("flaky-hook", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });
        await host.RuleAsync("HighErrorRate", "flaky-receiver", 0.05, "0s", [channel.Id]);

        await host.EvaluateAsync(t.AddMinutes(2));

        var sent = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal("firing", (string?)sent["status"]);
        Assert.Equal([500, 500, 500, 500, 200], receiver.Requests.Select(r => r.AnsweredWith));
        var run = await NotifyRunAsync(host);
        Assert.Equal(JobOutcome.Succeeded, run.Outcome);
        Assert.Equal(1, run.Attempt); // recovered inside the job: Hangfire did not need to retry it
        var notification = Assert.Single(await host.SettledNotificationsAsync());
        Assert.Equal("Sent", notification.Outcome);
        Assert.Equal(["500", "500", "500", "500", "200"], notification.Attempts.OrderBy(a => a.Attempt).Select(a => a.Status));
    }

    /// <summary>The notify job's run record, once the job has finished (it is written after the delivery).</summary>
    private static async Task<JobRun> NotifyRunAsync(AlertingTestHost host) => Assert.Single(await Eventually.PollAsync(
        () => host.DbAsync(db => db.JobRuns.AsNoTracking().Where(r => r.JobType == NotificationJob.JobType && r.FinishedAt != null).ToListAsync()),
        runs => runs.Count > 0));

    /// <summary>Jobs this host's Hangfire server completed, once one of type <typeparamref name="TJob"/> is among them.</summary>
    private static Task<List<Hangfire.Common.Job>> SucceededHangfireJobsAsync<TJob>(AlertingTestHost host) => Eventually.PollAsync(
        () => host.Factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi().SucceededJobs(0, 100).Select(j => j.Value.Job).ToList(),
        jobs => jobs.Any(j => j.Type == typeof(TJob)));
}
