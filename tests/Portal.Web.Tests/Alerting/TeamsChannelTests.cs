using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Data.Entities.Alerting;
using Portal.Web.Features.Alerts;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Tests.Alerting;

/// <summary>The Microsoft Teams channel: an Adaptive Card to a local receiver standing in for the Workflows webhook.</summary>
public sealed class TeamsChannelTests : IDisposable
{
    private readonly AlertingTestHost host = new();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Teams_gets_an_adaptive_card_with_alert_severity_model_value_and_open_url_links()
    {
        using var receiver = new HttpReceiver();
        var model = await host.ModelAsync("teamed");
        await host.SeedTrafficAsync(model.Id, host.BaseTime, 3, 0.5);
        var runbookId = await host.DbAsync(db => db.Runbooks.Where(r => r.Title == "High error rate").Select(r => r.Id).FirstAsync());
        var channel = await host.ChannelAsync("teams", ChannelType.Teams, new ChannelSettings(), secret: receiver.Url("workflows/triggers/manual/paths/invoke"));
        await host.RuleAsync("HighErrorRate", "teamed", 0.05, "0s", [channel.Id], AlertSeverity.Critical, runbookId: runbookId);

        await host.EvaluateAsync(host.BaseTime.AddMinutes(2));

        var message = (await receiver.WaitForAsync(1))[0];
        Assert.Equal("/workflows/triggers/manual/paths/invoke", receiver.Requests.First().Path);
        Assert.Equal("message", (string?)message["type"]);
        var attachment = Assert.Single(message["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Contains("HighErrorRate", (string?)card["body"]![0]!["text"]);

        var alert = Assert.Single(await host.AlertsAsync());
        Assert.NotNull(alert.LastValue);
        var facts = Descendants(card).Where(n => n["type"]?.ToString() == "FactSet").SelectMany(f => f["facts"]!.AsArray())
            .ToDictionary(f => (string)f!["title"]!, f => (string)f!["value"]!);
        Assert.Equal("HighErrorRate", facts["Alert"]);
        Assert.Equal("critical", facts["Severity"]);
        Assert.Equal("teamed", facts["Model"]);
        Assert.Equal(alert.LastValue.Value.ToString("G6", CultureInfo.InvariantCulture), facts["Value"]);
        Assert.Equal("firing", facts["Status"]);

        var links = Descendants(card).Where(n => n["type"]?.ToString() == "Action.OpenUrl").ToDictionary(a => (string)a["title"]!, a => (string)a["url"]!);
        Assert.Equal($"http://portal.test/alerts/{alert.Id}", links["Open alert"]);
        Assert.Equal($"http://portal.test/runbooks/{runbookId}", links["Runbook: High error rate"]);
    }

    [Fact]
    public async Task Teams_receiver_answering_500_then_200_is_retried_and_both_attempts_are_recorded()
    {
        using var receiver = new HttpReceiver(failFirst: 1);
        var model = await host.ModelAsync("teamed-flaky");
        await host.SeedTrafficAsync(model.Id, host.BaseTime, 3, 0.5);
        var channel = await host.ChannelAsync("teams-flaky", ChannelType.Teams, new ChannelSettings(), secret: receiver.Url("webhook"));
        await host.RuleAsync("HighErrorRate", "teamed-flaky", 0.05, "0s", [channel.Id]);

        await host.EvaluateAsync(host.BaseTime.AddMinutes(2));

        await receiver.WaitForAsync(1);
        Assert.Equal([500, 200], receiver.Requests.Select(r => r.AnsweredWith));
        Assert.All(receiver.Requests, r => Assert.Equal("message", (string?)r.Body["type"])); // the retry sends the same card
        var notification = Assert.Single(await host.SettledNotificationsAsync());
        Assert.Equal("Sent", notification.Outcome);
        var attempts = notification.Attempts.OrderBy(a => a.Attempt).ToList();
        Assert.Equal(["500", "200"], attempts.Select(a => a.Status));
        Assert.Equal([false, true], attempts.Select(a => a.Success));
        Assert.Contains("HTTP 500", attempts[0].Error);
    }

    [Fact]
    public async Task Teams_channel_needs_its_webhook_url_and_keeps_it_encrypted()
    {
        var missing = await host.WithAsync<ChannelService, ValidationProblems>(s => s.ValidateAsync(new ChannelForm { Name = "t", Type = ChannelType.Teams }));
        Assert.Equal("Paste the Teams webhook URL (Workflows or incoming webhook).", missing.Message("secret"));
        var notUrl = await host.WithAsync<ChannelService, ValidationProblems>(s => s.ValidateAsync(new ChannelForm { Name = "t", Type = ChannelType.Teams, Secret = "not a url" }));
        Assert.Contains("is not an http(s) URL", notUrl.Message("secret"));

        var channel = await host.ChannelAsync("teams-secret", ChannelType.Teams, new ChannelSettings(), secret: "https://example.invalid/workflows/sig=very-secret");
        Assert.DoesNotContain("very-secret", channel.ProtectedSecret);
        Assert.DoesNotContain("very-secret", channel.SettingsJson);
        Assert.Equal("Teams incoming webhook (URL stored encrypted)", ChannelService.Target(channel));
    }

    private static IEnumerable<JsonObject> Descendants(JsonNode node) => node switch
    {
        JsonObject o => new[] { o }.Concat(o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Descendants)),
        JsonArray a => a.OfType<JsonNode>().SelectMany(Descendants),
        _ => [],
    };
}
