using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Tests.Alerting;

/// <summary>The alerting REST API: channels, rules, silences, runbooks and acknowledgements, as a script would use it.</summary>
public sealed class AlertingApiTests : IDisposable
{
    private readonly AlertingTestHost host = new();

    public void Dispose() => host.Dispose();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static List<string> ErrorFields(JsonElement problem) => problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();

    [Fact]
    public async Task A_webhook_channel_is_created_over_rest_and_its_bearer_token_is_write_only()
    {
        using var receiver = new HttpReceiver();
        using var admin = host.Factory.CreateApiClient();

        var created = await admin.PostAsJsonAsync("/api/v1/channels", new { name = "ops", kind = "webhook", url = receiver.Url(), bearerToken = "s3cret-token" });

        var body = await JsonAsync(created, HttpStatusCode.Created);
        var id = body.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/channels/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("webhook", body.GetProperty("kind").GetString());
        Assert.True(body.GetProperty("bearerTokenSet").GetBoolean());
        var read = await admin.GetStringAsync($"/api/v1/channels/{id}");
        var list = await admin.GetStringAsync("/api/v1/channels");
        Assert.DoesNotContain("s3cret-token", body.GetRawText() + read + list);
        Assert.Contains("\"bearerTokenSet\":true", read);

        // A change without the token keeps the stored one.
        var changed = await JsonAsync(await admin.PutAsJsonAsync($"/api/v1/channels/{id}", new { name = "ops", kind = "webhook", url = receiver.Url("other"), sendResolved = false }), HttpStatusCode.OK);
        Assert.True(changed.GetProperty("bearerTokenSet").GetBoolean());
        Assert.False(changed.GetProperty("sendResolved").GetBoolean());

        var test = await JsonAsync(await admin.PostAsync($"/api/v1/channels/{id}/test", null), HttpStatusCode.OK);
        Assert.True(test.GetProperty("delivered").GetBoolean());
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/other", request.Path);
        Assert.Equal("Bearer s3cret-token", request.Authorization);

        var attempts = await JsonAsync(await admin.GetAsync($"/api/v1/channels/{id}/attempts"), HttpStatusCode.OK);
        Assert.True(Assert.Single(attempts.EnumerateArray()).GetProperty("success").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/channels/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/channels/{id}")).StatusCode);
        var audited = await host.DbAsync(db => db.AuditEntries.Where(e => e.EntityType == "NotificationChannel" && e.EntityId == id.ToString()).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(["create", "update", "delete"], audited);
    }

    [Fact]
    public async Task Channel_errors_name_the_api_fields_and_every_kind_is_accepted()
    {
        using var admin = host.Factory.CreateApiClient();

        var slack = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/channels", new { name = "", kind = "slack" }), HttpStatusCode.BadRequest);
        Assert.Equal(["name", "url"], ErrorFields(slack).Order());
        var pagerDuty = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/channels", new { name = "pd", kind = "pagerduty" }), HttpStatusCode.BadRequest);
        Assert.Equal(["routingKey"], ErrorFields(pagerDuty));
        var fax = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/channels", new { name = "fax", kind = "fax" }), HttpStatusCode.BadRequest);
        Assert.Equal(["kind"], ErrorFields(fax));

        await JsonAsync(await admin.PostAsJsonAsync("/api/v1/channels", new { name = "s", kind = "slack", url = "https://hooks.slack.invalid/T/B/x" }), HttpStatusCode.Created);
        var pd = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/channels", new { name = "p", kind = "pagerduty", routingKey = "rk-123" }), HttpStatusCode.Created);
        Assert.True(pd.GetProperty("routingKeySet").GetBoolean());
        var mail = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/channels", new { name = "m", kind = "email", smtpHost = "smtp.invalid", smtpPort = 25, from = "a@x.invalid", to = "b@x.invalid", smtpPassword = "pw" }), HttpStatusCode.Created);
        Assert.True(mail.GetProperty("smtpPasswordSet").GetBoolean());
        var channels = await JsonAsync(await admin.GetAsync("/api/v1/channels"), HttpStatusCode.OK);
        Assert.Equal(["email", "pagerduty", "slack"], channels.EnumerateArray().Select(c => c.GetProperty("kind").GetString()!).Order());
        Assert.DoesNotContain("hooks.slack.invalid", channels.GetRawText());
    }

    [Fact]
    public async Task A_rule_is_read_changed_disabled_enabled_and_deleted_over_rest()
    {
        await host.ModelAsync("churn");
        using var admin = host.Factory.CreateApiClient();
        var channel = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/channels", new { name = "ops", kind = "webhook", url = "http://127.0.0.1:9/hook" }), HttpStatusCode.Created);
        var channelId = channel.GetProperty("id").GetInt32();
        var created = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "HighErrorRate", model = "churn", metric = "errorRate", comparator = "greaterThan", threshold = 0.05, window = "5m", @for = "1m",
            severity = "warning", channelIds = new[] { channelId },
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt32();

        var read = await JsonAsync(await admin.GetAsync($"/api/v1/alert-rules/{id}"), HttpStatusCode.OK);
        Assert.Equal([channelId], read.GetProperty("channelIds").EnumerateArray().Select(c => c.GetInt32()));

        var bad = await JsonAsync(await admin.PutAsJsonAsync($"/api/v1/alert-rules/{id}", new { name = "", model = "churn", metric = "errorRate", threshold = 7, channelIds = new[] { 424242 } }), HttpStatusCode.BadRequest);
        Assert.Equal(["channelIds", "name", "threshold"], ErrorFields(bad).Order());

        var changed = await JsonAsync(await admin.PutAsJsonAsync($"/api/v1/alert-rules/{id}", new { name = "HighErrorRate", model = "churn", metric = "errorRate", threshold = 0.1, window = "10m", @for = "2m", severity = "warning" }), HttpStatusCode.OK);
        Assert.Equal(0.1, changed.GetProperty("threshold").GetDouble());
        Assert.Equal("10m", changed.GetProperty("window").GetString());

        Assert.False((await JsonAsync(await admin.PostAsync($"/api/v1/alert-rules/{id}/disable", null), HttpStatusCode.OK)).GetProperty("enabled").GetBoolean());
        Assert.True((await JsonAsync(await admin.PostAsync($"/api/v1/alert-rules/{id}/enable", null), HttpStatusCode.OK)).GetProperty("enabled").GetBoolean());

        var viewer = await host.Factory.SignInAsync("Viewer");
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/v1/alert-rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.DeleteAsync($"/api/v1/alert-rules/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/alert-rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/alert-rules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/api/v1/alert-rules/{id}", new { name = "X" })).StatusCode);
        var audited = await host.DbAsync(db => db.AuditEntries.Where(e => e.EntityType == "AlertRule" && e.EntityId == id.ToString()).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(["create", "update", "update", "update", "delete"], audited);
    }

    [Fact]
    public async Task A_silence_is_created_by_the_caller_listed_by_state_and_expired_over_rest()
    {
        using var bot = host.Factory.CreateApiClient((await host.Factory.CreateApiKeyAsync(PortalClaims.AdminScope, "silence-bot")).Key);
        var now = DateTimeOffset.UtcNow;

        var bad = await JsonAsync(await bot.PostAsJsonAsync("/api/v1/silences", new
        {
            matchers = new[] { new { name = "alertname", op = "==", value = "X" }, new { name = "9bad", op = "=", value = "y" } },
            endsAt = now.AddHours(1), comment = "c",
        }), HttpStatusCode.BadRequest);
        Assert.Equal(["matchers[0].op", "matchers[1].name"], ErrorFields(bad).Order());
        var backwards = await JsonAsync(await bot.PostAsJsonAsync("/api/v1/silences", new
        {
            matchers = new[] { new { name = "alertname", op = "=", value = "X" } }, startsAt = now, endsAt = now.AddHours(-1), comment = "c",
        }), HttpStatusCode.BadRequest);
        Assert.Equal(["endsAt"], ErrorFields(backwards));

        var created = await JsonAsync(await bot.PostAsJsonAsync("/api/v1/silences", new
        {
            matchers = new[] { new { name = "alertname", op = "=", value = "HighErrorRate" }, new { name = "model", op = "=~", value = "churn|fraud" } },
            startsAt = now.AddMinutes(-1), endsAt = now.AddHours(2), comment = "deploy",
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt32();
        Assert.Equal("api-key:silence-bot", created.GetProperty("createdBy").GetString()); // the caller, as the audit log names it
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal("=~", created.GetProperty("matchers")[1].GetProperty("op").GetString());

        static async Task<List<int>> IdsAsync(HttpClient client, string state) =>
            (await client.GetFromJsonAsync<JsonElement>($"/api/v1/silences?state={state}")).EnumerateArray().Select(s => s.GetProperty("id").GetInt32()).ToList();
        Assert.Contains(id, await IdsAsync(bot, "active"));
        Assert.DoesNotContain(id, await IdsAsync(bot, "expired"));

        var expired = await JsonAsync(await bot.PostAsync($"/api/v1/silences/{id}/expire", null), HttpStatusCode.OK);
        Assert.Equal("expired", expired.GetProperty("status").GetString());
        Assert.Contains(id, await IdsAsync(bot, "expired"));
        Assert.DoesNotContain(id, await IdsAsync(bot, "active"));
        Assert.Equal(HttpStatusCode.BadRequest, (await bot.GetAsync("/api/v1/silences?state=sleeping")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bot.PostAsync("/api/v1/silences/987654/expire", null)).StatusCode);
    }

    [Fact]
    public async Task A_runbook_is_written_versioned_rendered_and_deleted_over_rest()
    {
        using var admin = host.Factory.CreateApiClient();

        var created = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/runbooks", new { title = "Disk pressure", markdown = "# Check\n<script>alert(1)</script>\n1. logs", tags = new[] { "Ops", "errors" } }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt32();
        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal(["ops", "errors"], created.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var duplicate = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/runbooks", new { title = "Disk pressure", markdown = "x" }), HttpStatusCode.BadRequest);
        Assert.Equal(["title"], ErrorFields(duplicate));

        var changed = await JsonAsync(await admin.PutAsJsonAsync($"/api/v1/runbooks/{id}", new { title = "Disk pressure", markdown = "# Check\n1. logs\n2. deploys", tags = new[] { "ops" } }), HttpStatusCode.OK);
        Assert.Equal(2, changed.GetProperty("version").GetInt32());
        var versions = await JsonAsync(await admin.GetAsync($"/api/v1/runbooks/{id}/versions"), HttpStatusCode.OK);
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        var first = await JsonAsync(await admin.GetAsync($"/api/v1/runbooks/{id}/versions/1"), HttpStatusCode.OK);
        Assert.Contains("<script>", first.GetProperty("markdown").GetString());

        var rendered = await JsonAsync(await admin.GetAsync($"/api/v1/runbooks/{id}/render"), HttpStatusCode.OK);
        Assert.Contains("deploys</li>", rendered.GetProperty("html").GetString());
        Assert.Contains("<h1", rendered.GetProperty("html").GetString());

        var viewer = await host.Factory.SignInAsync("Viewer");
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/v1/runbooks/{id}/render")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.DeleteAsync($"/api/v1/runbooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/runbooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/runbooks/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_firing_alert_is_acknowledged_and_unacknowledged_over_rest()
    {
        var model = await host.ModelAsync("acked");
        var t = host.BaseTime;
        await host.SeedTrafficAsync(model.Id, t.AddMinutes(-10), 11, 0.5);
        await host.RuleAsync("HighErrorRate", "acked", 0.05, "0s", []);
        await host.EvaluateAsync(t);
        var alert = Assert.Single(await host.AlertsAsync());
        Assert.Equal("Firing", alert.State);
        using var admin = host.Factory.CreateApiClient();

        var ack = await JsonAsync(await admin.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/acknowledge", new { comment = "on it" }), HttpStatusCode.OK);
        Assert.Equal("on it", ack.GetProperty("comment").GetString());
        var detail = await JsonAsync(await admin.GetAsync($"/api/v1/alerts/{alert.Id}"), HttpStatusCode.OK);
        Assert.True(detail.GetProperty("alert").GetProperty("acknowledged").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/v1/alerts/{alert.Id}/unacknowledge", null)).StatusCode);
        detail = await JsonAsync(await admin.GetAsync($"/api/v1/alerts/{alert.Id}"), HttpStatusCode.OK);
        Assert.False(detail.GetProperty("alert").GetProperty("acknowledged").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/v1/alerts/987654/acknowledge", new { })).StatusCode);
        var audited = await host.DbAsync(db => db.AuditEntries.Where(e => e.EntityType == "AlertAcknowledgement").OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(["create", "delete"], audited);

        var viewer = await host.Factory.SignInAsync("Viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/acknowledge", new { })).StatusCode);
    }
}
