using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Alerts;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Alerting;

/// <summary>Evaluation, routing and delivery end to end: rollups → state machine → notifications to real local receivers.</summary>
public sealed class AlertLifecycleTests : IDisposable
{
    private readonly AlertingTestHost host = new();
    private DateTimeOffset T => host.BaseTime; // per host: a long run cannot push the evaluations past the real clock

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Error_spike_goes_pending_then_fires_after_for_then_notifies_webhook_with_runbook_then_resolves()
    {
        using var receiver = new HttpReceiver();
        var model = await host.ModelAsync("spiky");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(-60), 61, 0);
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(1), 10, 0.5);
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(11), 10, 0);
        var runbookId = await host.DbAsync(db => db.Runbooks.Where(r => r.Title == "High error rate").Select(r => r.Id).FirstAsync());
        var channel = await host.ChannelAsync("ops-webhook", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });
        await host.RuleAsync("HighErrorRate", "spiky", 0.05, "2m", [channel.Id], runbookId: runbookId);

        await host.EvaluateAsync(T.AddMinutes(1).AddSeconds(30));
        Assert.Equal("Pending", (await host.AlertsAsync()).Single().State);
        await host.EvaluateAsync(T.AddMinutes(2).AddSeconds(30));
        Assert.Equal("Pending", (await host.AlertsAsync()).Single().State);
        Assert.Empty(await host.NotificationsAsync());

        await host.EvaluateAsync(T.AddMinutes(3).AddSeconds(30));
        var firing = (await host.AlertsAsync()).Single();
        Assert.Equal("Firing", firing.State);
        var sent = (await receiver.WaitForAsync(1))[0];
        Assert.Equal("4", (string?)sent["version"]);
        Assert.Equal("firing", (string?)sent["status"]);
        Assert.Equal("ops-webhook", (string?)sent["receiver"]);
        Assert.Equal("spiky", (string?)sent["groupLabels"]!["model"]);
        Assert.Equal("http://portal.test", (string?)sent["externalURL"]);
        var alert = sent["alerts"]![0]!;
        Assert.Equal("firing", (string?)alert["status"]);
        Assert.Equal(firing.Fingerprint, (string?)alert["fingerprint"]);
        Assert.Equal("HighErrorRate", (string?)alert["labels"]!["alertname"]);
        Assert.Equal("warning", (string?)alert["labels"]!["severity"]);
        Assert.Equal($"http://portal.test/runbooks/{runbookId}", (string?)alert["annotations"]!["runbook_url"]);
        Assert.Equal($"http://portal.test/alerts/{firing.Id}", (string?)alert["generatorURL"]);
        Assert.NotNull(sent["groupKey"]);
        Assert.NotNull(alert["startsAt"]);

        // Spike over: the 5-minute window is clean again at T+16m.
        await host.EvaluateAsync(T.AddMinutes(16));
        var resolved = (await host.AlertsAsync()).Single();
        Assert.Equal("Resolved", resolved.State);
        Assert.Equal(["Inactive→Pending", "Pending→Firing", "Firing→Resolved"], resolved.History.OrderBy(h => h.At).Select(h => $"{h.From}→{h.To}"));
        var all = await receiver.WaitForAsync(2);
        Assert.Equal("resolved", (string?)all[1]["status"]);
        Assert.Equal("resolved", (string?)all[1]["alerts"]![0]!["status"]);
        Assert.All(await host.SettledNotificationsAsync(), n => Assert.Equal("Sent", n.Outcome));
    }

    [Fact]
    public async Task Keep_firing_for_holds_a_flapping_alert_firing()
    {
        var model = await host.ModelAsync("flappy");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(1), 3, 0.5);
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(4), 10, 0);
        await host.RuleAsync("Flapping", "flappy", 0.05, "0s", [], window: "1m", keepFiringFor: "5m");

        await host.EvaluateAsync(T.AddMinutes(2));
        Assert.Equal("Firing", (await host.AlertsAsync()).Single().State);
        await host.EvaluateAsync(T.AddMinutes(6)); // clear for 2m of the 5m
        Assert.Equal("Firing", (await host.AlertsAsync()).Single().State);
        await host.EvaluateAsync(T.AddMinutes(11)); // clear for 7m
        Assert.Equal("Resolved", (await host.AlertsAsync()).Single().State);
    }

    [Fact]
    public async Task Firing_critical_inhibits_the_warning_of_the_same_rule_and_model()
    {
        using var receiver = new HttpReceiver();
        var model = await host.ModelAsync("loud");
        await host.SeedTrafficAsync(model.Id, T, 5, 0.5);
        var channel = await host.ChannelAsync("pager", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });
        await host.RuleAsync("HighErrorRate", "loud", 0.05, "0s", [channel.Id], AlertSeverity.Warning);
        await host.RuleAsync("HighErrorRate", "loud", 0.2, "0s", [channel.Id], AlertSeverity.Critical);

        await host.EvaluateAsync(T.AddMinutes(4));

        var alerts = await host.AlertsAsync();
        Assert.All(alerts, a => Assert.Equal("Firing", a.State));
        Assert.Contains("inhibited", alerts.Single(a => a.Severity == "Warning").SuppressedReason);
        Assert.Null(alerts.Single(a => a.Severity == "Critical").SuppressedReason);
        var notifications = await host.SettledNotificationsAsync();
        Assert.Equal("loud/critical", Assert.Single(notifications).GroupKey);
        var sent = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal("critical", (string?)sent["alerts"]![0]!["labels"]!["severity"]);
    }

    [Fact]
    public async Task Silence_mutes_notifications_until_it_ends()
    {
        using var receiver = new HttpReceiver();
        var model = await host.ModelAsync("muted");
        await host.SeedTrafficAsync(model.Id, T, 10, 0.5);
        var channel = await host.ChannelAsync("muted-hook", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });
        await host.RuleAsync("HighErrorRate", "muted", 0.05, "0s", [channel.Id]);
        var silence = await host.WithAsync<SilenceService, AlertSilence>(s =>
            s.CreateAsync("model=\"muted\"\nseverity=~\"warning|info\"", T.AddHours(-1), T.AddMinutes(4).AddSeconds(30), "planned maintenance"));

        await host.EvaluateAsync(T.AddMinutes(4));
        var alert = (await host.AlertsAsync()).Single();
        Assert.Equal("Firing", alert.State);
        Assert.Contains($"silenced by {silence.Id}", alert.SuppressedReason);
        Assert.Contains("planned maintenance", alert.SuppressedReason);
        Assert.Empty(await host.NotificationsAsync());

        await host.EvaluateAsync(T.AddMinutes(5)); // the silence ended at T+4m30s
        Assert.Single(await receiver.WaitForAsync(1));
        Assert.Null((await host.AlertsAsync()).Single().SuppressedReason);
    }

    [Fact]
    public async Task Expiring_a_silence_ends_it_now()
    {
        var silence = await host.WithAsync<SilenceService, AlertSilence>(s => s.CreateAsync("model=\"any\"", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(2), "deploy"));
        Assert.Equal("active", (await host.WithAsync<SilenceService, IReadOnlyList<SilenceRow>>(s => s.ListAsync())).Single().Status);
        Assert.True(await host.WithAsync<SilenceService, bool>(s => s.ExpireAsync(silence.Id)));
        Assert.Equal("expired", (await host.WithAsync<SilenceService, IReadOnlyList<SilenceRow>>(s => s.ListAsync())).Single().Status);
        Assert.False(await host.WithAsync<SilenceService, bool>(s => s.ExpireAsync(silence.Id)));
    }

    [Fact]
    public async Task Silence_needs_a_selective_matcher_and_a_comment()
    {
        var none = await Assert.ThrowsAsync<Portal.Analysis.Common.AnalysisInputException>(() =>
            host.WithAsync<SilenceService, AlertSilence>(s => s.CreateAsync("model=~\".*\"", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), "x")));
        Assert.Equal("matchers", none.Field);
        var noComment = await Assert.ThrowsAsync<Portal.Analysis.Common.AnalysisInputException>(() =>
            host.WithAsync<SilenceService, AlertSilence>(s => s.CreateAsync("model=\"a\"", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), " ")));
        Assert.Equal("comment", noComment.Field);
    }

    [Fact]
    public async Task Alerts_of_one_model_and_severity_go_out_in_one_group_repeated_after_the_repeat_interval_unless_acknowledged()
    {
        using var receiver = new HttpReceiver();
        var model = await host.ModelAsync("grouped");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(-5), 30, 0.5);
        var channel = await host.ChannelAsync("group-hook", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });
        await host.RuleAsync("ErrorsA", "grouped", 0.05, "0s", [channel.Id], repeat: "2m");
        await host.RuleAsync("ErrorsB", "grouped", 0.1, "0s", [channel.Id], repeat: "2m");

        await host.EvaluateAsync(T);
        var first = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal(2, first["alerts"]!.AsArray().Count);

        await host.EvaluateAsync(T.AddSeconds(30)); // nothing changed, repeat not due
        await host.EvaluateAsync(T.AddMinutes(1));
        Assert.Single(await host.SettledNotificationsAsync());

        await host.EvaluateAsync(T.AddMinutes(2)); // repeat interval passed
        Assert.Equal(2, (await receiver.WaitForAsync(2)).Count);
        Assert.Contains("repeat", (await host.NotificationsAsync())[1].Reason);

        foreach (var alert in await host.AlertsAsync())
        {
            await host.WithAsync<AlertService, AlertAcknowledgementRecord>(s => s.AcknowledgeAsync(alert.Id, "on it"));
        }

        await host.EvaluateAsync(T.AddMinutes(5));
        await host.EvaluateAsync(T.AddMinutes(8));
        Assert.Equal(2, (await host.SettledNotificationsAsync()).Count);
        Assert.Equal(2, receiver.Accepted.Count);
    }

    [Fact]
    public async Task Receiver_failing_twice_gets_three_attempts_all_logged_and_the_notification_is_sent()
    {
        using var receiver = new HttpReceiver(failFirst: 2);
        var channel = await host.ChannelAsync("flaky", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });

        var attempts = await host.WithAsync<ChannelService, IReadOnlyList<AttemptRow>>(s => s.SendTestAsync(channel.Id));

        Assert.Equal([1, 2, 3], attempts.Select(a => a.Attempt));
        Assert.Equal([false, false, true], attempts.Select(a => a.Success));
        Assert.Equal(["500", "500", "200"], attempts.Select(a => a.Status));
        Assert.Contains("HTTP 500", attempts[0].Error);
        Assert.All(attempts, a => Assert.True(a.DurationMs > 0));
        Assert.Equal("Sent", Assert.Single(await host.NotificationsAsync()).Outcome);
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Receiver_that_never_recovers_fails_the_notification_after_every_retry()
    {
        using var receiver = new HttpReceiver(failFirst: 100);
        var channel = await host.ChannelAsync("down", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });

        var attempts = await host.WithAsync<ChannelService, IReadOnlyList<AttemptRow>>(s => s.SendTestAsync(channel.Id));

        Assert.Equal(4, attempts.Count); // the first try and 3 retries
        Assert.All(attempts, a => Assert.False(a.Success));
        Assert.Equal("Failed", Assert.Single(await host.NotificationsAsync()).Outcome);
    }

    [Fact]
    public async Task PagerDuty_gets_a_trigger_then_a_resolve_with_the_same_dedup_key_and_the_secret_is_stored_encrypted()
    {
        using var receiver = new HttpReceiver();
        var model = await host.ModelAsync("paged");
        await host.SeedTrafficAsync(model.Id, T, 3, 0.5);
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(3), 10, 0);
        var channel = await host.ChannelAsync("pd", ChannelType.PagerDuty, new ChannelSettings { Url = receiver.Url("v2/enqueue") }, secret: "routing-key-0123456789");
        Assert.DoesNotContain("routing-key", channel.ProtectedSecret);
        Assert.DoesNotContain("routing-key", channel.SettingsJson);
        await host.RuleAsync("HighErrorRate", "paged", 0.05, "0s", [channel.Id], AlertSeverity.Critical, window: "2m");

        await host.EvaluateAsync(T.AddMinutes(2));
        var trigger = (await receiver.WaitForAsync(1))[0];
        await host.EvaluateAsync(T.AddMinutes(8));
        var resolve = (await receiver.WaitForAsync(2))[1];

        var fingerprint = (await host.AlertsAsync()).Single().Fingerprint;
        Assert.Equal("routing-key-0123456789", (string?)trigger["routing_key"]);
        Assert.Equal("trigger", (string?)trigger["event_action"]);
        Assert.Equal(fingerprint, (string?)trigger["dedup_key"]);
        Assert.Equal("critical", (string?)trigger["payload"]!["severity"]);
        Assert.Equal("paged", (string?)trigger["payload"]!["source"]);
        Assert.Equal("resolve", (string?)resolve["event_action"]);
        Assert.Equal(fingerprint, (string?)resolve["dedup_key"]);
        Assert.Equal("routing-key-0123456789", (string?)resolve["routing_key"]);
    }

    [Fact]
    public async Task Slack_message_has_text_and_blocks_with_the_runbook_link()
    {
        using var receiver = new HttpReceiver();
        var model = await host.ModelAsync("chatty");
        await host.SeedTrafficAsync(model.Id, T, 3, 0.5);
        var runbookId = await host.DbAsync(db => db.Runbooks.Where(r => r.Title == "High error rate").Select(r => r.Id).FirstAsync());
        var channel = await host.ChannelAsync("slack", ChannelType.Slack, new ChannelSettings(), secret: receiver.Url("services/T000/B000/XXXX"));
        await host.RuleAsync("HighErrorRate", "chatty", 0.05, "0s", [channel.Id], runbookId: runbookId);

        await host.EvaluateAsync(T.AddMinutes(2));

        var message = (await receiver.WaitForAsync(1))[0];
        Assert.Equal("/services/T000/B000/XXXX", receiver.Requests.First().Path);
        Assert.Contains("HighErrorRate", (string?)message["text"]);
        var blocks = message["blocks"]!.AsArray();
        Assert.Equal("header", (string?)blocks[0]!["type"]);
        Assert.Contains($"http://portal.test/runbooks/{runbookId}|Runbook: High error rate", (string?)blocks[1]!["text"]!["text"]);
    }

    [Fact]
    public async Task Email_goes_through_a_local_smtp_server_with_the_alert_and_runbook_links()
    {
        using var smtp = new SmtpReceiver();
        var model = await host.ModelAsync("mailed");
        await host.SeedTrafficAsync(model.Id, T, 3, 0.5);
        var runbookId = await host.DbAsync(db => db.Runbooks.Where(r => r.Title == "High error rate").Select(r => r.Id).FirstAsync());
        var channel = await host.ChannelAsync("mail", ChannelType.Email, new ChannelSettings
        {
            SmtpHost = "127.0.0.1", SmtpPort = smtp.Port, SmtpSecurity = "None", From = "portal@test.local", To = "oncall@test.local, ml@test.local",
        });
        await host.RuleAsync("HighErrorRate", "mailed", 0.05, "0s", [channel.Id], runbookId: runbookId);

        await host.EvaluateAsync(T.AddMinutes(2));

        var notification = Assert.Single(await host.SettledNotificationsAsync());
        Assert.Equal("Sent", notification.Outcome);
        var (from, to, data) = Assert.Single(smtp.Messages);
        Assert.Equal("<portal@test.local>", from);
        Assert.Equal(["<oncall@test.local>", "<ml@test.local>"], to);
        Assert.Contains("Subject: [FIRING:1] HighErrorRate on mailed (warning)", data);
        Assert.Contains($"http://portal.test/runbooks/{runbookId}", data);
        Assert.Equal("250", Assert.Single(notification.Attempts).Status);
    }

    [Fact]
    public async Task Rca_names_the_version_change_that_came_with_the_spike()
    {
        var model = await host.ModelAsync("deployed");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(-60), 61, 0, version: "v1");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(1), 10, 0.5, version: "v2");
        await host.RuleAsync("HighErrorRate", "deployed", 0.05, "0s", []);

        await host.EvaluateAsync(T.AddMinutes(3));

        var alert = (await host.AlertsAsync()).Single();
        var finding = await host.DbAsync(db => db.RcaFindings.SingleAsync(f => f.AlertId == alert.Id));
        Assert.Equal("ModelVersionChange", finding.PrimaryCause);
        Assert.True(finding.Confidence > 0.5);
        var view = RootCauseService_View(finding);
        Assert.Contains("v2", view.Summary);
        Assert.Contains(view.Timeline, e => e.Title == "Version v2 started serving");
        Assert.Contains(view.Timeline, e => e.Title.Contains("firing"));
    }

    [Fact]
    public async Task Rca_does_not_blame_a_version_that_started_in_the_same_minute_as_the_other()
    {
        var model = await host.ModelAsync("split");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(-60), 61, 0, version: "v1");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(-60), 61, 0, version: "v2");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(1), 10, 0.5, version: "v2");
        await host.RuleAsync("HighErrorRate", "split", 0.05, "0s", []);

        await host.EvaluateAsync(T.AddMinutes(3));

        var alert = (await host.AlertsAsync()).Single();
        var view = RootCauseService_View(await host.DbAsync(db => db.RcaFindings.SingleAsync(f => f.AlertId == alert.Id)));
        Assert.DoesNotContain(view.Candidates, c => c.Cause == Portal.Analysis.Rca.CauseKind.ModelVersionChange);
        Assert.Contains(view.Checks, c => c.Contains("no version change"));
    }

    [Fact]
    public async Task Rca_does_not_blame_a_version_registered_in_the_minute_the_previous_one_started_serving()
    {
        var model = await host.ModelAsync("registered");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(-60), 61, 0, version: "v1");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(1), 10, 0.5, version: "v1");
        await host.DbAsync(async db =>
        {
            db.ModelVersions.Add(new ModelVersion { ModelId = model.Id, Version = "v2", CreatedAt = T.AddMinutes(-60).AddSeconds(25) });
            return await db.SaveChangesAsync();
        });
        await host.RuleAsync("HighErrorRate", "registered", 0.05, "0s", []);

        await host.EvaluateAsync(T.AddMinutes(3));

        var alert = (await host.AlertsAsync()).Single();
        var view = RootCauseService_View(await host.DbAsync(db => db.RcaFindings.SingleAsync(f => f.AlertId == alert.Id)));
        Assert.DoesNotContain(view.Candidates, c => c.Cause == Portal.Analysis.Rca.CauseKind.ModelVersionChange);
        Assert.Contains("model version: v2 and v1 both first served 1h 03m before the alert; no version change", view.Checks);
    }

    [Fact]
    public async Task Rca_finds_the_cpu_of_a_shared_host_the_resources_tab_shows_from_samples_sent_over_rest()
    {
        var model = await host.ModelAsync("hosted");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(-60), 61, 0);
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(1), 10, 0.5);
        await host.RuleAsync("HighErrorRate", "hosted", 0.05, "0s", []);

        // A host that serves several models names none in its samples: 30 % CPU, saturated from 15 minutes before the alert.
        using var client = host.Factory.CreateApiClient();
        var samples = Enumerable.Range(-60, 63).Select(m => new
        {
            host = "node-7",
            timestamp = T.AddMinutes(m).AddSeconds(10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            cpuPercent = m < -12 ? 30.0 : 97.0,
            memoryPercent = 40.0,
        });
        var sent = await client.PostAsJsonAsync("/api/v1/resources", samples);
        Assert.Equal(63, (await sent.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!["accepted"]!.GetValue<int>());

        await host.EvaluateAsync(T.AddMinutes(3));

        var header = new Portal.Web.Infrastructure.Dashboards.ModelHeader(model.Id, model.Name, model.TaskType, null, null, [], []);
        var tab = await host.WithAsync<Portal.Web.Features.Dashboards.ResourceDashboard, Portal.Web.Features.Dashboards.ResourceView>(d =>
            d.LoadAsync(header, Portal.Web.Infrastructure.Dashboards.DashboardWindow.Parse("24h")));
        Assert.Contains(tab.Hosts, h => h.Host == "node-7");
        var alert = (await host.AlertsAsync()).Single();
        var view = RootCauseService_View(await host.DbAsync(db => db.RcaFindings.SingleAsync(f => f.AlertId == alert.Id)));
        Assert.Contains(view.Checks, c => c.StartsWith("infrastructure: cpu 97 against 30, memory 40 against 40,", StringComparison.Ordinal));
        var infrastructure = Assert.Single(view.Candidates, c => c.Cause == Portal.Analysis.Rca.CauseKind.Infrastructure);
        Assert.Contains(infrastructure.Evidence, e => e.StartsWith("CPU at 97% against a baseline of 30%", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rca_names_data_drift_when_a_drift_run_found_it_before_the_alert()
    {
        var model = await host.ModelAsync("drifting");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(-60), 61, 0, version: "");
        await host.SeedTrafficAsync(model.Id, T.AddMinutes(1), 10, 0.5, version: "");
        await host.DbAsync(async db =>
        {
            var job = new JobRun { JobType = "drift", ModelId = model.Id, StartedAt = T.UtcDateTime, Outcome = JobOutcome.Succeeded };
            db.JobRuns.Add(job);
            await db.SaveChangesAsync();
            db.DriftRuns.Add(new DriftRun { JobRunId = job.Id, ModelId = model.Id, At = T.AddHours(-5).UtcDateTime, Baseline = "reference v1", HasVerdict = true, DriftShare = 0, Features = 5 });
            db.DriftRuns.Add(new DriftRun
            {
                JobRunId = job.Id, ModelId = model.Id, At = T.UtcDateTime, Baseline = "reference v1", HasVerdict = true, DatasetDrift = true, DriftShare = 0.8,
                Features = 5, DriftedFeatures = 4, PredictionPsi = 0.02,
                FeatureResults = [new DriftFeatureResult { ModelId = model.Id, At = T.UtcDateTime, Feature = "income", Test = "ks", Score = 0.0001, Drifted = true, Importance = 0.5 }],
            });
            await db.SaveChangesAsync();
            return 0;
        });
        await host.RuleAsync("HighErrorRate", "drifting", 0.05, "0s", []);

        await host.EvaluateAsync(T.AddMinutes(3));

        var alert = (await host.AlertsAsync()).Single();
        var finding = await host.DbAsync(db => db.RcaFindings.SingleAsync(f => f.AlertId == alert.Id));
        Assert.Equal("DataDrift", finding.PrimaryCause);
        var view = RootCauseService_View(finding);
        Assert.Contains(view.Candidates[0].Evidence, e => e.Contains("income"));
        Assert.Contains(view.Timeline, e => e.Kind == Portal.Analysis.Rca.TimelineEventKind.DriftDetected);
    }

    private static RcaView RootCauseService_View(RcaFinding finding) => RootCauseService.View(finding);
}
