using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Web.Tests.Alerting;

/// <summary>Alerting as a script sets it up: a channel, a rule and a silence over REST, a local webhook receiver listening.</summary>
public sealed class AlertingEndToEndTests
{
    [Fact]
    public async Task A_rule_and_channel_made_over_rest_fire_and_resolve_to_a_webhook_and_a_silence_made_over_rest_mutes_the_next()
    {
        using var host = new AlertingTestHost();
        using var receiver = new HttpReceiver();
        using var api = host.Factory.CreateApiClient();
        var t = host.BaseTime;
        var model = await host.ModelAsync("checkout");
        await host.SeedTrafficAsync(model.Id, t.AddMinutes(-10), 10, 0.4); // failing predictions

        var channel = await api.PostAsJsonAsync("/api/v1/channels", new { name = "ops", kind = "webhook", url = receiver.Url(), bearerToken = "e2e-token" });
        Assert.Equal(HttpStatusCode.Created, channel.StatusCode);
        var channelId = (await channel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var rule = await api.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "HighErrorRate", model = "checkout", metric = "errorRate", comparator = "greaterThan", threshold = 0.05, window = "5m", @for = "0s",
            severity = "critical", channelIds = new[] { channelId },
        });
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);

        await host.EvaluateAsync(t);
        await host.SettledNotificationsAsync();
        var firing = Assert.Single(receiver.Accepted);
        Assert.Equal("4", (string?)firing["version"]);
        Assert.Equal("firing", (string?)firing["status"]);
        Assert.Equal("HighErrorRate", (string?)firing["alerts"]![0]!["labels"]!["alertname"]);
        Assert.Equal("critical", (string?)firing["alerts"]![0]!["labels"]!["severity"]);
        Assert.Equal("Bearer e2e-token", receiver.Requests.Single().Authorization);

        await host.SeedTrafficAsync(model.Id, t, 7, 0); // healthy traffic
        await host.EvaluateAsync(t.AddMinutes(6));
        await host.SettledNotificationsAsync();
        Assert.Equal(2, receiver.Accepted.Count);
        var resolved = receiver.Accepted[1];
        Assert.Equal("resolved", (string?)resolved["status"]);
        Assert.Equal("resolved", (string?)resolved["alerts"]![0]!["status"]);

        var silence = await api.PostAsJsonAsync("/api/v1/silences", new
        {
            matchers = new[] { new { name = "alertname", op = "=", value = "HighErrorRate" }, new { name = "model", op = "=~", value = "check.*" } },
            startsAt = t.AddMinutes(6), endsAt = t.AddHours(2), comment = "known incident",
        });
        Assert.Equal(HttpStatusCode.Created, silence.StatusCode);
        await host.SeedTrafficAsync(model.Id, t.AddMinutes(7), 6, 0.4); // failing again
        await host.EvaluateAsync(t.AddMinutes(12));
        await host.SettledNotificationsAsync();

        var alert = Assert.Single(await host.AlertsAsync());
        Assert.Equal("Firing", alert.State);
        Assert.NotNull(alert.SuppressedReason);
        Assert.Equal(2, receiver.Accepted.Count); // muted
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task Configured_inhibition_rules_replace_the_default_one()
    {
        using var host = new AlertingTestHost(settings: new Dictionary<string, string>
        {
            ["Portal:Alerting:InhibitRules:0:SourceMatchers:0"] = "alertname=\"ModelDown\"",
            ["Portal:Alerting:InhibitRules:0:TargetMatchers:0"] = "alertname!=\"ModelDown\"",
            ["Portal:Alerting:InhibitRules:0:Equal:0"] = "model",
        });
        var t = host.BaseTime;
        var model = await host.ModelAsync("down");
        await host.SeedTrafficAsync(model.Id, t.AddMinutes(-10), 10, 0.5);
        await host.RuleAsync("ModelDown", "down", 0.3, "0s", [], Portal.Analysis.Alerting.AlertSeverity.Warning);
        await host.RuleAsync("HighErrorRate", "down", 0.05, "0s", [], Portal.Analysis.Alerting.AlertSeverity.Critical);
        await host.RuleAsync("HighErrorRate", "down", 0.05, "0s", [], Portal.Analysis.Alerting.AlertSeverity.Warning);

        await host.EvaluateAsync(t);

        var alerts = (await host.DbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Alerts.Join(db.AlertRules, a => a.RuleId, r => r.Id, (a, r) => new { r.Name, a.Severity, a.State, a.SuppressedReason }))))
            .ToDictionary(a => $"{a.Name}/{a.Severity}");
        Assert.All(alerts.Values, a => Assert.Equal("Firing", a.State));
        Assert.Null(alerts["ModelDown/Warning"].SuppressedReason);
        Assert.StartsWith("inhibited by the firing warning alert", alerts["HighErrorRate/Critical"].SuppressedReason);
        Assert.StartsWith("inhibited by the firing warning alert", alerts["HighErrorRate/Warning"].SuppressedReason); // not by the critical one
    }
}
