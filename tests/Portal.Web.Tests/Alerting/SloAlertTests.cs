using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Data.Entities.Alerting;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Runbooks;

namespace Portal.Web.Tests.Alerting;

/// <summary>
/// SLO burn-rate alerts as first-class alerts: no hand-written rule, the alerting cadence (the evaluation job on a fake
/// clock), the SLI history, the whole pipeline to a real local webhook receiver.
/// </summary>
public sealed class SloAlertTests
{
    [Fact]
    public async Task An_slo_with_failing_traffic_pages_through_its_channel_without_any_hand_written_rule()
    {
        var clock = new FakeTimeProvider();
        using var host = new AlertingTestHost(clock: clock);
        using var receiver = new HttpReceiver();
        var start = host.BaseTime.AddMinutes(-40);
        clock.SetUtcNow(start);
        var model = await host.ModelAsync("slo-pager");
        var channel = await host.ChannelAsync("on-call", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });
        var client = host.Factory.CreateApiClient();
        var created = await client.PostAsJsonAsync("/api/v1/models/slo-pager/slos",
            new { name = "availability", kind = "availability", targetPercent = 99.9, channelIds = new[] { channel.Id } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // 70 minutes at 50% errors: burn rate 500 in every window, so page and ticket both fire; the page inhibits the ticket.
        await host.SeedTrafficAsync(model.Id, start.AddMinutes(-70), 70, 0.5);
        await RunEvaluationJobAsync(host);

        var page = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal(["slo-pager/critical"], (await host.SettledNotificationsAsync()).Select(n => n.GroupKey)); // the ticket's group sends nothing
        Assert.Equal("firing", (string?)page["status"]);
        var alert = Assert.Single(page["alerts"]!.AsArray())!;
        Assert.Equal("page", (string?)alert["labels"]!["slo_alert"]);
        Assert.Equal("availability", (string?)alert["labels"]!["slo"]);
        Assert.Equal("Critical", (string?)alert["labels"]!["severity"], ignoreCase: true);
        Assert.Contains("/runbooks/", (string?)alert["annotations"]!["runbook_url"] ?? "");

        var alerts = await host.AlertsAsync();
        var rules = await host.DbAsync(db => db.AlertRules.AsNoTracking().Where(r => r.SloId != null).ToListAsync());
        Assert.Equal(2, rules.Count);
        var pageRule = rules.Single(r => r.SloAlert == "Page");
        var ticketAlert = alerts.Single(a => a.RuleId == rules.Single(r => r.SloAlert == "Ticket").Id);
        Assert.Equal("Firing", ticketAlert.State);
        Assert.Contains("inhibited", ticketAlert.SuppressedReason);
        var runbook = await host.DbAsync(db => db.Runbooks.SingleAsync(r => r.Title == RunbookSeeds.SloBurnTitle));
        Assert.Equal(runbook.Id, pageRule.RunbookId);
        var pageAlert = alerts.Single(a => a.RuleId == pageRule.Id);
        Assert.True(await host.DbAsync(db => db.RcaFindings.AnyAsync(f => f.AlertId == pageAlert.Id)), "the firing page alert gets a root-cause analysis");

        // 31 healthy minutes later the 5m and 30m windows are clean: the page resolves, and the ticket (2h and 6h still
        // burning) is no longer inhibited, so it is notified in its own (warning) group.
        await host.SeedTrafficAsync(model.Id, start, 35, 0);
        clock.Advance(TimeSpan.FromMinutes(31));
        await RunEvaluationJobAsync(host);

        var sent = await receiver.WaitForAsync(3);
        Assert.Contains(sent.Skip(1), n => (string?)n["status"] == "resolved" && (string?)n["alerts"]![0]!["labels"]!["slo_alert"] == "page");
        Assert.Contains(sent.Skip(1), n => (string?)n["status"] == "firing" && (string?)n["alerts"]![0]!["labels"]!["slo_alert"] == "ticket");

        // The 24 h preview replays the SLO's page alert from the history: it fired once, at the first evaluation's minute.
        var preview = await host.WithAsync<AlertRuleService, RulePreview>(async s => await s.PreviewAsync((await s.GetFormAsync(pageRule.Id))!));
        Assert.Equal(1, preview.TimesFired);

        // The SLI history holds a row per burn window and minute: backfilled at the first evaluation from the model's
        // first minute of data (70 minutes before), then every minute.
        var minutes = await host.DbAsync(db => db.SloSliRecords.Select(r => r.MinuteMs).Distinct().CountAsync());
        Assert.Equal(70 + 31, minutes);

        // The SLO page's chart reads it over REST: burn rates per minute and window, thresholds alongside.
        var sloId = (int)(await created.Content.ReadFromJsonAsync<JsonNode>())!["id"]!;
        var history = (await client.GetFromJsonAsync<JsonNode>($"/api/v1/models/slo-pager/slos/{sloId}/burn-rates?hours=1"))!;
        Assert.Equal(61, history["times"]!.AsArray().Count);
        var oneHour = history["windows"]!.AsArray().Single(w => (string?)w!["window"] == "1h")!["rates"]!.AsArray();
        Assert.Equal(500, (double)oneHour[29]!, 6); // 40 minutes before the first evaluation's minute: 50% errors / 0.1% budget
        Assert.Equal(14.4, (double)history["alerts"]![0]!["threshold"]!, 9);
    }

    [Fact]
    public async Task A_changed_page_severity_is_what_the_next_evaluation_fires_and_notifies()
    {
        var clock = new FakeTimeProvider();
        using var host = new AlertingTestHost(clock: clock);
        using var receiver = new HttpReceiver();
        var start = host.BaseTime.AddMinutes(-40);
        clock.SetUtcNow(start);
        var model = await host.ModelAsync("slo-severity");
        var channel = await host.ChannelAsync("on-call", ChannelType.Webhook, new ChannelSettings { Url = receiver.Url() });
        var client = host.Factory.CreateApiClient();
        var created = await client.PostAsJsonAsync("/api/v1/models/slo-severity/slos",
            new { name = "availability", kind = "availability", targetPercent = 99.9, channelIds = new[] { channel.Id } });
        var sloId = (int)(await created.Content.ReadFromJsonAsync<JsonNode>())!["id"]!;
        await host.SeedTrafficAsync(model.Id, start.AddMinutes(-70), 75, 0.5);
        await RunEvaluationJobAsync(host);
        Assert.Equal("critical", (string?)Assert.Single(await receiver.WaitForAsync(1))["alerts"]![0]!["labels"]!["severity"]);

        var changed = await client.PutAsJsonAsync($"/api/v1/models/slo-severity/slos/{sloId}",
            new { name = "availability", kind = "availability", targetPercent = 99.9, pageSeverity = "warning" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        clock.Advance(TimeSpan.FromMinutes(1));
        await RunEvaluationJobAsync(host);

        var pageRule = await host.DbAsync(db => db.AlertRules.AsNoTracking().SingleAsync(r => r.SloId == sloId && r.SloAlert == "Page"));
        Assert.Equal("Warning", pageRule.Severity);
        var pageAlerts = (await host.AlertsAsync()).Where(a => a.RuleId == pageRule.Id).ToList();
        Assert.Equal([("Critical", "Resolved"), ("Warning", "Firing")], pageAlerts.Select(a => (a.Severity, a.State)));
        static bool WarningPage(JsonNode n) => (string?)n["status"] == "firing" && n["alerts"]!.AsArray().Any(a => (string?)a!["labels"]!["severity"] == "warning");
        for (var wait = 0; wait < 300 && !receiver.Accepted.Any(WarningPage); wait++)
        {
            await Task.Delay(100);
        }

        Assert.Contains(receiver.Accepted, WarningPage);
    }

    [Fact]
    public async Task The_sli_history_keeps_only_the_configured_days()
    {
        var clock = new FakeTimeProvider();
        using var host = new AlertingTestHost(settings: new Dictionary<string, string> { ["Portal:Slos:HistoryDays"] = "1" }, clock: clock);
        var start = host.BaseTime.AddDays(-3);
        clock.SetUtcNow(start);
        var model = await host.ModelAsync("slo-retained");
        await host.SeedTrafficAsync(model.Id, start.AddMinutes(-10), 10, 0);
        await host.WithAsync<Portal.Web.Features.Slos.SloService, int>(async s =>
            (await s.CreateAsync(model, new Portal.Web.Features.Slos.SloInput("errors", Portal.Data.Entities.Jobs.SloKind.ErrorRate, 99, 30, null, null))).Id);
        await RunEvaluationJobAsync(host);
        clock.Advance(TimeSpan.FromDays(2));
        await RunEvaluationJobAsync(host);

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds() / 60_000 * 60_000;
        var kept = await host.DbAsync(db => db.SloSliRecords.Select(r => r.MinuteMs).Distinct().ToListAsync());
        Assert.Equal((24 * 60) + 1, kept.Count); // the first evaluation's day is gone; the second backfilled its own
        Assert.True(kept.Min() >= now - TimeSpan.FromDays(1).TotalMilliseconds);
    }

    [Fact]
    public async Task An_slo_records_no_history_before_its_models_first_data()
    {
        var clock = new FakeTimeProvider();
        using var host = new AlertingTestHost(clock: clock);
        var start = host.BaseTime.AddMinutes(-40);
        clock.SetUtcNow(start);
        var model = await host.ModelAsync("slo-new");
        await host.WithAsync<Portal.Web.Features.Slos.SloService, int>(async s =>
            (await s.CreateAsync(model, new Portal.Web.Features.Slos.SloInput("errors", Portal.Data.Entities.Jobs.SloKind.ErrorRate, 99, 30, null, null))).Id);

        await RunEvaluationJobAsync(host);
        Assert.Equal(0, await host.DbAsync(db => db.SloSliRecords.CountAsync())); // not a day of empty windows

        await host.SeedTrafficAsync(model.Id, start, 5, 0.5);
        clock.Advance(TimeSpan.FromMinutes(5));
        await RunEvaluationJobAsync(host);

        // Each minute from the end of the first minute with data to now: 5, each with every burn window.
        var rows = await host.DbAsync(db => db.SloSliRecords.AsNoTracking().ToListAsync());
        var minute = start.ToUnixTimeMilliseconds() / 60_000 * 60_000;
        Assert.Equal(Enumerable.Range(1, 5).Select(i => minute + (i * 60_000L)), rows.Select(r => r.MinuteMs).Distinct().Order());
        Assert.Equal(5 * 7, rows.Count);
        Assert.All(rows.Where(r => r.Window == "5m"), r => Assert.Equal(r.Total / 2, r.Good));
    }

    private static Task<int> RunEvaluationJobAsync(AlertingTestHost host) =>
        host.WithAsync<AlertEvaluationJob, int>(async job =>
        {
            await job.EvaluateAsync(null, CancellationToken.None);
            return 0;
        });
}
