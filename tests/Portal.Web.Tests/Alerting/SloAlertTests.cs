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

        // The SLI history holds a row per burn window and minute: 24 h backfilled at the first evaluation, then every minute.
        var minutes = await host.DbAsync(db => db.SloSliRecords.Select(r => r.MinuteMs).Distinct().CountAsync());
        Assert.Equal((24 * 60) + 1 + 31, minutes);
    }

    private static Task<int> RunEvaluationJobAsync(AlertingTestHost host) =>
        host.WithAsync<AlertEvaluationJob, int>(async job =>
        {
            await job.EvaluateAsync(null, CancellationToken.None);
            return 0;
        });
}
