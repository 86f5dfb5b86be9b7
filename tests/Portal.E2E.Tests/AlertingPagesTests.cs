using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests;

/// <summary>The alerting pages against the running portal: an error spike fires through the real 30 s evaluation job.</summary>
[Collection(PortalCollection.Name)]
public sealed class AlertingPagesTests(PortalServerFixture portal)
{
    private const string Model = "e2e-alerting";

    [Fact]
    public async Task Error_spike_fires_and_the_alert_list_detail_rule_preview_and_runbook_editor_show_it()
    {
        using var api = portal.CreateHttpClient(portal.ApiKey);
        (await api.PutAsJsonAsync($"/api/v1/models/{Model}", new { taskType = "binary" })).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;
        var items = Enumerable.Range(0, 120).Select(i => new
        {
            predictionId = $"e2e-{i}",
            timestamp = now.AddSeconds(-i * 2).ToString("O"),
            modelVersion = "v2",
            prediction = 1,
            score = 0.55 + (i % 40 / 100.0),
            latencyMs = 20 + (i % 7),
            error = i % 2 == 0 ? "timeout" : null,
        });
        (await api.PostAsJsonAsync($"/api/v1/models/{Model}/predictions", items)).EnsureSuccessStatusCode();
        var created = await api.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "HighErrorRate", model = Model, metric = "errorRate", comparator = "greaterThan", threshold = 0.05, window = "5m", @for = "0s",
            keepFiringFor = "0s", severity = "critical", repeatInterval = "4h", runbookId = 1, description = "More than 5 % of predictions fail.",
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var ruleId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        long alertId = 0;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (alertId == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(2000);
            var alerts = await api.GetFromJsonAsync<JsonElement>("/api/v1/alerts");
            foreach (var a in alerts.EnumerateArray())
            {
                if (a.GetProperty("model").GetString() == Model && a.GetProperty("state").GetString() == "Firing")
                {
                    alertId = a.GetProperty("id").GetInt64();
                }
            }
        }

        Assert.True(alertId != 0, "The alert did not fire within 120 s. Server log:\n" + portal.ServerLog);

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, "/alerts");
        var row = page.Locator("tr", new() { HasText = Model });
        Assert.Contains("firing", await row.InnerTextAsync());
        Assert.Contains("critical", await row.InnerTextAsync());
        // One format for times: the browser's local time (Chromium here runs in UTC), UTC to the second on hover;
        // how long ago in two units ("14m 33s ago").
        var since = row.Locator("time");
        await Assertions.Expect(since).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"));
        await Assertions.Expect(since).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$"));
        Assert.Matches(@"(\d+[smhd]( \d+[smh])? ago|just now)", await row.InnerTextAsync());
        await PortalServerFixture.ScreenshotAsync(page, "alerts-list");

        await PortalServerFixture.GotoInteractiveAsync(page, $"/alerts/{alertId}");
        await page.WaitForSelectorAsync("#rca-summary");
        Assert.Contains("firing", await page.Locator("#state-history").InnerTextAsync());
        Assert.Contains("High error rate", await page.InnerTextAsync("body"));
        await page.ClickAsync("#acknowledge");
        await page.WaitForSelectorAsync("text=acknowledged by");
        await PortalServerFixture.ScreenshotAsync(page, "alert-detail");

        await PortalServerFixture.GotoInteractiveAsync(page, $"/alerts/rules/{ruleId}");
        await page.ClickAsync("#rule-preview");
        await page.WaitForSelectorAsync("#preview-summary");
        Assert.Contains("Would have fired", await page.InnerTextAsync("#preview-summary"));
        await page.WaitForSelectorAsync("#alert-preview .main-svg");
        await PortalServerFixture.ScreenshotAsync(page, "alert-rule-preview");

        await PortalServerFixture.GotoInteractiveAsync(page, "/runbooks/1/edit");
        await page.WaitForSelectorAsync("#runbook-preview h1");
        await PortalServerFixture.ScreenshotAsync(page, "runbook-editor");
    }

    [Fact]
    public async Task The_channels_page_lists_a_channels_routing_and_shows_a_bad_group_by_label_at_its_field()
    {
        using var api = portal.CreateHttpClient(portal.ApiKey);
        var created = await api.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "e2e-routed", kind = "webhook", url = "https://alerts.example.invalid/hook", matchers = new[] { "severity=\"critical\"" },
            groupBy = new[] { "alertname", "model" }, groupWait = "10s", repeatInterval = "1h",
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, "/alerts/channels");
        var row = page.Locator("tr", new() { HasText = "e2e-routed" });
        Assert.Contains("severity=\"critical\" · by alertname, model · wait 10s · repeat 1h", await row.InnerTextAsync());
        await row.Locator("a").First.ClickAsync();
        await Assertions.Expect(page.Locator("#channel-group-by")).ToHaveValueAsync("alertname, model");
        await page.FillAsync("#channel-group-by", "alertname, 2nd");
        await page.ClickAsync("#channel-save");
        await page.WaitForSelectorAsync("text=label 2: \"2nd\" is not a label name");
        await PortalServerFixture.ScreenshotAsync(page, "channel-routing");
    }
}
