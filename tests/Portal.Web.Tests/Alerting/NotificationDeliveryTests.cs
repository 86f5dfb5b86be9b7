using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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

    [Fact]
    public async Task A_receiver_that_answers_500_three_times_gets_the_notification_at_the_next_group_interval_not_the_repeat_interval()
    {
        // Two attempts per delivery (Retries 1), so the first delivery fails for good: 500, 500. The evaluation times
        // are given, so the group interval (5 m) passes without waiting for it.
        using var host = new AlertingTestHost(settings: new Dictionary<string, string>
        {
            ["Portal:Alerting:GroupIntervalSeconds"] = "300",
            ["Portal:Alerting:Retries"] = "1",
        });
        using var receiver = new HttpReceiver(failFirst: 3);
        var t = host.BaseTime;
        var model = await host.ModelAsync("retried");
        await host.SeedTrafficAsync(model.Id, t.AddMinutes(-10), 25, 0.5);
        var channel = await host.ChannelAsync("retried-hook", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });
        await host.RuleAsync("HighErrorRate", "retried", 0.05, "0s", [channel.Id], repeat: "4h");

        await host.EvaluateAsync(t);
        Assert.Equal(["Failed"], (await host.SettledNotificationsAsync()).Select(n => n.Outcome));
        await host.EvaluateAsync(t.AddMinutes(1)); // within the group interval: nothing yet
        Assert.Single(await host.SettledNotificationsAsync());

        await host.EvaluateAsync(t.AddMinutes(5)); // the next group interval: sent again, and delivered
        Assert.Equal(["Failed", "Sent"], (await host.SettledNotificationsAsync()).Select(n => n.Outcome));
        var delivered = Assert.Single(receiver.Accepted);
        Assert.Equal("firing", (string?)delivered["status"]);
        Assert.Equal([500, 500, 500, 200], receiver.Requests.Select(r => r.AnsweredWith));

        await host.EvaluateAsync(t.AddMinutes(10)); // delivered now: the next one is the 4 h repeat
        Assert.Equal(2, (await host.SettledNotificationsAsync()).Count);
    }

    [Fact]
    public async Task A_new_group_whose_alert_fires_longer_than_group_wait_is_sent_at_once_and_a_new_alert_waits()
    {
        using var host = new AlertingTestHost(settings: new Dictionary<string, string>
        {
            ["Portal:Alerting:GroupWaitSeconds"] = "120",
            ["Portal:Alerting:GroupIntervalSeconds"] = "300",
        });
        using var receiver = new HttpReceiver();
        var t = host.BaseTime;
        var old = await host.ModelAsync("firing-long");
        var fresh = await host.ModelAsync("firing-new");
        await host.SeedTrafficAsync(old.Id, t.AddMinutes(-10), 20, 0.5);
        await host.SeedTrafficAsync(fresh.Id, t.AddMinutes(4), 6, 0.5);
        var rule = await host.RuleAsync("HighErrorRate", "firing-long", 0.05, "0s", []);
        await host.EvaluateAsync(t); // firing, with no channel to tell
        var channel = await host.ChannelAsync("late-hook", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });
        var form = (await host.WithAsync<AlertRuleService, AlertRuleForm?>(s => s.GetFormAsync(rule.Id)))!;
        form.ChannelIds = [channel.Id];
        await host.WithAsync<AlertRuleService, Portal.Data.Entities.Alerting.AlertRuleEntity>(s => s.SaveAsync(form));
        await host.RuleAsync("HighErrorRateNew", "firing-new", 0.05, "0s", [channel.Id]);

        await host.EvaluateAsync(t.AddMinutes(5));

        // The alert firing for 5 m (> group wait 2 m) goes out now; the one that just started waits its group wait.
        var sent = Assert.Single(await host.SettledNotificationsAsync());
        Assert.Equal("firing-long/warning", sent.GroupKey);
        await host.EvaluateAsync(t.AddMinutes(7));
        Assert.Equal(["firing-long/warning", "firing-new/warning"], (await host.SettledNotificationsAsync()).Select(n => n.GroupKey));
    }

    [Fact]
    public async Task A_channel_routes_by_its_matchers_and_repeats_at_its_own_interval()
    {
        using var host = new AlertingTestHost(settings: new Dictionary<string, string> { ["Portal:Alerting:GroupIntervalSeconds"] = "60" });
        using var pager = new HttpReceiver();
        using var chat = new HttpReceiver();
        using var api = host.Factory.CreateApiClient();
        var t = host.BaseTime;
        var model = await host.ModelAsync("routed");
        await host.SeedTrafficAsync(model.Id, t.AddMinutes(-10), 30, 0.5);
        var bad = await api.PostAsJsonAsync("/api/v1/channels", new { name = "bad", kind = "webhook", url = pager.Url(), matchers = new[] { "severity=~\"(\"" }, repeatInterval = "soon" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var fields = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["matchers[0]", "repeatInterval"], fields);
        var pagerChannel = await api.PostAsJsonAsync("/api/v1/channels", new { name = "pager", kind = "webhook", url = pager.Url(), matchers = new[] { "severity=\"critical\"" }, repeatInterval = "10m" });
        var chatChannel = await api.PostAsJsonAsync("/api/v1/channels", new { name = "chat", kind = "webhook", url = chat.Url() });
        var pagerId = (await pagerChannel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var chatId = (await chatChannel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal("10m", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{pagerId}")).GetProperty("repeatInterval").GetString());
        await host.RuleAsync("HighErrorRate", "routed", 0.05, "0s", [pagerId, chatId], Portal.Analysis.Alerting.AlertSeverity.Warning);
        await host.RuleAsync("HighErrorRate", "routed", 0.2, "0s", [pagerId, chatId], Portal.Analysis.Alerting.AlertSeverity.Critical);

        await host.EvaluateAsync(t);
        await host.SettledNotificationsAsync();

        // The pager takes only the critical group; the chat both (the warning is inhibited, so its group sends nothing).
        var paged = Assert.Single(pager.Accepted);
        Assert.Equal("critical", (string?)paged["groupLabels"]!["severity"]);
        Assert.Equal(["critical"], chat.Accepted.Select(r => (string?)r["groupLabels"]!["severity"]));

        await host.EvaluateAsync(t.AddMinutes(10)); // the pager's own repeat interval (10m), not the rules' 4h
        await host.SettledNotificationsAsync();
        Assert.Equal(2, pager.Accepted.Count);
        Assert.Single(chat.Accepted);
    }

    [Fact]
    public async Task A_channel_grouping_by_model_sends_a_warning_and_a_critical_of_one_model_in_one_notification()
    {
        using var host = new AlertingTestHost();
        using var byModel = new HttpReceiver();
        using var byDefault = new HttpReceiver();
        using var api = host.Factory.CreateApiClient();
        var t = host.BaseTime;
        var model = await host.ModelAsync("grouped");
        await host.SeedTrafficAsync(model.Id, t.AddMinutes(-10), 30, 0.5);
        var bad = await api.PostAsJsonAsync("/api/v1/channels", new { name = "bad", kind = "webhook", url = byModel.Url(), groupBy = new[] { "model", "...", "model" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var fields = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["groupBy[1]", "groupBy[2]"], fields);
        var created = await api.PostAsJsonAsync("/api/v1/channels", new { name = "by-model", kind = "webhook", url = byModel.Url(), groupBy = new[] { "model" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var byModelId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var byDefaultId = (await host.ChannelAsync("by-default", ChannelType.Webhook, new ChannelSettings { Url = byDefault.Url() })).Id;
        Assert.Equal(["model"], (await api.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{byModelId}")).GetProperty("groupBy").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["model", "severity"], (await api.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{byDefaultId}")).GetProperty("groupBy").EnumerateArray().Select(e => e.GetString()));

        // Two rules (so the critical does not inhibit the warning, which needs the same rule).
        await host.RuleAsync("ErrorRateAboveFivePercent", "grouped", 0.05, "0s", [byModelId, byDefaultId], Portal.Analysis.Alerting.AlertSeverity.Warning);
        await host.RuleAsync("ErrorRateAboveTwentyPercent", "grouped", 0.2, "0s", [byModelId, byDefaultId], Portal.Analysis.Alerting.AlertSeverity.Critical);
        await host.EvaluateAsync(t);
        var notifications = await host.SettledNotificationsAsync();

        var one = Assert.Single(byModel.Accepted);
        Assert.Equal("{\"model\":\"grouped\"}", one["groupLabels"]!.ToJsonString());
        Assert.Equal(["critical", "warning"], one["alerts"]!.AsArray().Select(a => (string?)a!["labels"]!["severity"]).Order());
        Assert.Equal("{}:{model=\"grouped\"}", (string?)one["groupKey"]);
        Assert.Equal(["{}:{model=\"grouped\", severity=\"critical\"}", "{}:{model=\"grouped\", severity=\"warning\"}"], byDefault.Accepted.Select(r => (string?)r["groupKey"]).Order());
        Assert.Equal(["grouped", "grouped/critical", "grouped/warning"], notifications.Select(n => n.GroupKey).Order());
        Assert.All(notifications, n => Assert.Equal("Sent", n.Outcome));

        // Delivered: each group remembers it (no repeat at the next look), under its own key.
        await host.EvaluateAsync(t.AddMinutes(5));
        Assert.Equal(3, (await host.SettledNotificationsAsync()).Count);
        Assert.Equal(["grouped", "grouped/critical", "grouped/warning"], await host.DbAsync(db => db.NotificationGroups.Where(g => g.LastNotifiedAt != null).Select(g => g.GroupKey).OrderBy(k => k).ToListAsync()));

        // A new grouping starts with new groups (the old one reports no "all resolved"): one notification per rule now.
        var changed = await api.PutAsJsonAsync($"/api/v1/channels/{byModelId}", new { name = "by-model", kind = "webhook", url = byModel.Url(), groupBy = new[] { "alertname" } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await host.EvaluateAsync(t.AddMinutes(6));
        await host.SettledNotificationsAsync();
        Assert.Equal(3, byModel.Accepted.Count);
        Assert.Equal(["{}:{alertname=\"ErrorRateAboveFivePercent\"}", "{}:{alertname=\"ErrorRateAboveTwentyPercent\"}"],
            byModel.Accepted.Skip(1).Select(r => (string?)r["groupKey"]).Order());
        Assert.All(byModel.Accepted.Skip(1), r => Assert.Equal("firing", (string?)r["status"]));
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
