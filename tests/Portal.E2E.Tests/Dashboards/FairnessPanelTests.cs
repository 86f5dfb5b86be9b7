using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

/// <summary>
/// The fairness panel on the Quality tab, on a churn model like the demo's (the E2E server runs without demo traffic):
/// the model over-predicts churn for the "18-29" age band, the fairness job runs through Hangfire ("run now").
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class FairnessPanelTests(PortalServerFixture portal)
{
    private const string Model = "e2e-churn-fairness";

    [Fact]
    public async Task Quality_tab_shows_groups_the_lowest_group_and_flagged_disparities_over_time()
    {
        using var client = portal.CreateHttpClient(portal.ApiKey);
        await DashboardSeed.SendAsync(client, HttpMethod.Put, $"/api/v1/models/{Model}", """
            { "taskType": "binary", "description": "churn model with a fairness problem", "owner": "e2e", "versions": ["v3"],
              "features": [ {"name": "tenure_months", "type": "numerical", "min": 0, "max": 120, "importance": 0.7},
                            {"name": "age_band", "type": "categorical", "categories": ["18-29", "30-49", "50+"], "importance": 0.3} ] }
            """);
        await DashboardSeed.SendAsync(client, HttpMethod.Put, $"/api/v1/models/{Model}/fairness/settings", """{"attributes": ["age_band"], "minGroupSize": 30}""");

        // Labels positive 30 % in every band; predicted positive 18-29 60 %, 30-49 30 %, 50+ 25 %, so the young get many false
        // positives: accuracy 0.7 / 0.9 / 0.9, selection-rate ratio 0.25 / 0.6 ≈ 0.42, both flagged.
        var now = DateTimeOffset.UtcNow;
        var bands = new[] { ("18-29", 48, 0), ("30-49", 24, 4), ("50+", 20, 2) };
        var predictions = new List<string>();
        var labels = new List<string>();
        var i = 0;
        foreach (var (band, positives, offset) in bands)
        {
            for (var k = 0; k < 80; k++, i++)
            {
                var predicted = (k + offset) % 80 < positives ? 1 : 0;
                var label = k < 24 ? 1 : 0;
                predictions.Add($$$"""{"predictionId": "f-{{{i}}}", "timestamp": "{{{DashboardSeed.Iso(now.AddSeconds(-10 * i))}}}", "modelVersion": "v3", "prediction": {{{predicted}}}, "score": {{{(predicted == 1 ? "0.7" : "0.2")}}}, "features": {"tenure_months": {{{k % 60}}}, "age_band": "{{{band}}}"}}""");
                labels.Add($$"""{"predictionId": "f-{{i}}", "label": {{label}}}""");
            }
        }

        await DashboardSeed.SendAsync(client, HttpMethod.Post, $"/api/v1/models/{Model}/predictions", "[" + string.Join(',', predictions) + "]");
        await DashboardSeed.SendAsync(client, HttpMethod.Post, $"/api/v1/models/{Model}/feedback", "[" + string.Join(',', labels) + "]");
        using (var run = await client.PostAsync($"/api/v1/models/{Model}/fairness/run", null))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, run.StatusCode);
        }

        var ranAt = await WaitForResultsAsync(client);

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{Model}?tab=quality&window=24h");
        var panel = page.Locator("[data-testid=fairness-panel]");
        await panel.Locator("[data-testid=fairness-groups]").WaitForAsync();

        var rows = panel.Locator("[data-testid=fairness-groups] tbody tr");
        Assert.Equal(3, await rows.CountAsync());
        var young = rows.Filter(new() { HasText = "18-29" });
        Assert.Contains("60.0 %", await young.InnerTextAsync());   // selection rate
        Assert.Contains("70.0 %", await young.Locator("td[data-lowest=accuracy]").InnerTextAsync());
        var old = rows.Filter(new() { HasText = "50+" });
        Assert.Contains("25.0 %", await old.Locator("td[data-lowest=selectionRate]").InnerTextAsync());
        Assert.Equal(1, await panel.Locator("td[data-lowest=accuracy]").CountAsync());
        var chips = await panel.Locator("[data-testid=fairness-disparities]").InnerTextAsync();
        Assert.Contains("selection rate: 0.42 · flagged", chips);
        Assert.Contains("accuracy: 0.78 · flagged", chips);
        Assert.Contains("age_band", await panel.Locator("[data-testid=fairness-attribute]").InnerTextAsync());
        await panel.Locator("#chart-fairness .main-svg").First.WaitForAsync();
        Assert.True(await panel.Locator("#chart-fairness .scatterlayer .trace").CountAsync() >= 3);

        await panel.ScrollIntoViewIfNeededAsync();
        await panel.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(PortalServerFixture.ScreenshotFolder, "fairness-panel.png") });
        await PortalServerFixture.ScreenshotAsync(page, "dashboard-quality-fairness");

        // The settings page shows the chosen attribute; a model without one gets an empty state that says what to do.
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{Model}/fairness-settings");
        await PortalServerFixture.ScreenshotAsync(page, "fairness-settings");
        var select = page.Locator("[data-testid=fairness-attributes]").First;
        Assert.Contains("age_band", await select.EvaluateAsync<string>("e => (e.value || '') + (e.textContent || '') + e.outerHTML"));

        await DashboardSeed.SendAsync(client, HttpMethod.Put, "/api/v1/models/e2e-fairness-unset", """{ "taskType": "binary", "versions": ["v1"], "features": [] }""");
        await PortalServerFixture.GotoInteractiveAsync(page, "/models/e2e-fairness-unset?tab=quality");
        var empty = page.Locator("[data-testid=fairness-empty]");
        Assert.Contains("No sensitive attribute chosen", await empty.InnerTextAsync());
        await page.Locator("[data-testid=fairness-panel]").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(PortalServerFixture.ScreenshotFolder, "fairness-empty.png") });

        // An alert rule on the disparity ratio: the form names the metric and its preview replays the stored run.
        var created = await DashboardSeed.SendAsync(client, HttpMethod.Post, "/api/v1/alert-rules", $$"""
            {"name": "AgeBandDisparity", "model": "{{Model}}", "metric": "fairnessDisparity", "feature": "age_band", "comparator": "lessThan",
             "threshold": 0.8, "window": "30m", "for": "0s", "keepFiringFor": "0s", "severity": "warning", "repeatInterval": "4h"}
            """);

        // The preview steps whole minutes up to the current one: wait until the run's minute has passed.
        while (DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute <= ranAt.Ticks / TimeSpan.TicksPerMinute)
        {
            await Task.Delay(1000);
        }

        await PortalServerFixture.GotoInteractiveAsync(page, $"/alerts/rules/{created.GetProperty("id").GetInt32()}");
        Assert.Contains("fairness disparity ratio (min/max)", await page.InnerTextAsync("body"));
        await page.ClickAsync("#rule-preview");
        await page.WaitForSelectorAsync("#preview-summary");
        Assert.StartsWith("Would have fired 1 time", await page.InnerTextAsync("#preview-summary"));
        await page.WaitForSelectorAsync("#alert-preview .main-svg");
        await PortalServerFixture.ScreenshotAsync(page, "fairness-alert-rule-preview");
    }

    /// <summary>Waits for the first stored run; returns when it was computed (UTC).</summary>
    private static async Task<DateTime> WaitForResultsAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var body = await client.GetStringAsync($"/api/v1/models/{Model}/fairness?window=1d");
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.GetProperty("at").ValueKind != JsonValueKind.Null)
            {
                return json.RootElement.GetProperty("at").GetDateTime().ToUniversalTime();
            }

            await Task.Delay(500);
        }

        Assert.Fail("The fairness job did not store results within 60 s.");
        return default;
    }
}
