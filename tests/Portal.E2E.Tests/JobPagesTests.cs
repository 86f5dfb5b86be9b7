using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests;

/// <summary>
/// The Job runs page, the SLO page and the drift settings form against a real portal: a model with a reference, an
/// hour of predictions whose "amount" has shifted, and two hours of traffic whose last 30 minutes failed.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class JobPagesTests(PortalServerFixture portal)
{
    [Fact]
    public async Task Job_runs_and_slo_pages_show_the_drift_verdict_and_the_firing_burn_rate_alert()
    {
        var model = "e2e-jobs-" + Guid.NewGuid().ToString("N")[..8];
        using var client = portal.CreateHttpClient(portal.ApiKey);
        await SeedAsync(client, model);
        await SendAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/slos", new { name = "error rate", kind = "errorRate", targetPercent = 99.9, windowDays = 30 }, HttpStatusCode.Created);
        await SendAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/drift/run", new { }, HttpStatusCode.Accepted);
        await WaitUntilAsync(async () => (await client.GetAsync($"/api/v1/models/{model}/drift/runs/latest")).StatusCode == HttpStatusCode.OK, "the drift run");
        await WaitUntilAsync(async () => (await client.GetStringAsync($"/api/v1/models/{model}/slos")).Contains("\"status\":{"), "the SLO evaluation");
        var sloId = JsonNode.Parse(await client.GetStringAsync($"/api/v1/models/{model}/slos"))![0]!["id"]!.GetValue<int>();
        await WaitUntilAsync(async () => JsonNode.Parse(await client.GetStringAsync($"/api/v1/models/{model}/slos/{sloId}/burn-rates"))!["times"]!.AsArray().Count > 0,
            "the SLI history the alert evaluation records");

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/jobs/runs?model={model}");
        var driftRow = page.Locator("[data-testid=job-runs] tr", new() { HasText = "drift" }).First;
        await driftRow.WaitForAsync();
        var driftText = await driftRow.InnerTextAsync();
        Assert.Contains(model, driftText);
        Assert.Contains("succeeded", driftText);
        Assert.Contains("1 of 3 features drifted", driftText);
        Assert.Contains("severity critical", driftText);
        var sloRow = page.Locator("[data-testid=job-runs] tr", new() { HasText = "error rate: breached" });
        Assert.Contains("firing page-1h", await sloRow.First.InnerTextAsync());
        await PortalServerFixture.ScreenshotAsync(page, "job-runs");

        // "Run drift now" enqueues another run, and the list shows it without a reload.
        var before = await page.Locator("[data-testid=job-runs] tbody tr", new() { HasText = "drift" }).CountAsync();
        await page.ClickAsync("[data-testid=run-drift-now]");
        await WaitUntilAsync(async () => await page.Locator("[data-testid=job-runs] tbody tr", new() { HasText = "drift" }).CountAsync() > before, "the second drift run on the page");

        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}/slos");
        var card = page.Locator("[data-testid=slo-card]", new() { HasText = "error rate" });
        await card.WaitForAsync();
        // A new SLO on minutes of data: the breach is "so far", and the chip says how much of the 30-day window has data.
        Assert.Matches(@"^breached so far \(only \d+(\.\d)? (min|h) of its 30-day window has data\)$", await card.Locator("[data-testid=slo-status]").InnerTextAsync());
        Assert.Equal("75 %", await card.Locator("[data-testid=slo-compliance]").InnerTextAsync());
        Assert.StartsWith("-", await card.Locator("[data-testid=slo-budget]").InnerTextAsync());
        var fastBurn = card.Locator("[data-testid=slo-alerts] tr", new() { HasText = "page-1h" });
        Assert.Contains("firing", await fastBurn.InnerTextAsync());
        Assert.Contains("1000", await card.Locator("[data-testid=slo-burn-rates]").InnerTextAsync());
        await card.Locator(".js-plotly-plot .scatterlayer path").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await card.Locator("[data-testid=slo-burn-history] .js-plotly-plot .scatterlayer path").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await PortalServerFixture.ScreenshotAsync(page, "slos");

        // A new SLO through the form: a bad target names the field, a good one is evaluated at once.
        await page.ClickAsync("[data-testid=new-slo]");
        var dialog = page.Locator(".mud-dialog");
        await dialog.GetByLabel("Name").FillAsync("error rate");
        Assert.Contains("Page alert severity", await dialog.InnerTextAsync()); // and ticket severity and channels: SloDialogTests
        await PortalServerFixture.ScreenshotAsync(page, "slo-dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        Assert.Equal($"name: model '{model}' already has an SLO named 'error rate'.", await dialog.Locator("[data-testid=slo-error]").InnerTextAsync());
        await dialog.GetByLabel("Name").FillAsync("p99 latency");
        await dialog.GetByLabel("Target (%)").FillAsync("99");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        var latency = page.Locator("[data-testid=slo-card]", new() { HasText = "p99 latency" });
        await latency.WaitForAsync();
        await latency.Locator("[data-testid=slo-status]", new() { HasText = "met" }).WaitForAsync(new() { Timeout = 60_000 });
        await PortalServerFixture.ScreenshotAsync(page, "slos-with-latency");
    }

    [Fact]
    public async Task Drift_settings_form_validates_the_schedule_and_saves_per_feature_tests()
    {
        var model = "e2e-drift-" + Guid.NewGuid().ToString("N")[..8];
        using var client = portal.CreateHttpClient(portal.ApiKey);
        await SeedAsync(client, model);

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}/drift-settings");
        var cron = page.Locator("input[data-testid=cron]");
        await cron.FillAsync("every hour");
        await page.GetByText("is not a cron expression").First.WaitForAsync();
        await cron.FillAsync("*/10 * * * *");
        await page.GetByText("Next: ").WaitForAsync();

        await page.GetByLabel("Test for amount").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "ks" }).First.ClickAsync();
        await page.GetByLabel("Threshold for amount").FillAsync("0.01");
        await page.ClickAsync("[data-testid=save-settings]");
        await page.GetByText("Drift settings saved").WaitForAsync();
        await PortalServerFixture.ScreenshotAsync(page, "drift-settings");

        var saved = JsonNode.Parse(await client.GetStringAsync($"/api/v1/models/{model}/drift/settings"))!;
        Assert.Equal("*/10 * * * *", saved["cron"]!.GetValue<string>());
        Assert.Equal("ks", saved["features"]!["amount"]!["test"]!.GetValue<string>());
        Assert.Equal(0.01, saved["features"]!["amount"]!["threshold"]!.GetValue<double>());
    }

    /// <summary>A model with a 1,000-row reference, 300 predictions of the last hour with amount shifted by 30 %, and SLO traffic.</summary>
    private static async Task SeedAsync(HttpClient client, string model)
    {
        await SendAsync(client, HttpMethod.Put, $"/api/v1/models/{model}", new
        {
            taskType = "binary",
            features = new object[]
            {
                new { name = "amount", type = "numerical", min = 0, max = 1000, importance = 0.6 },
                new { name = "country", type = "categorical", categories = new[] { "DE", "FR" }, importance = 0.2 },
                new { name = "noise", type = "numerical", importance = 0.2 },
            },
        }, HttpStatusCode.Created);
        var grid = Enumerable.Range(0, 1000).Select(i => (i + 0.5) / 10).ToArray();
        await SendAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/reference", new
        {
            columns = new Dictionary<string, object>
            {
                ["amount"] = grid, ["noise"] = grid.Select(g => g / 100).Reverse().ToArray(), ["country"] = grid.Select((_, i) => i % 2 == 0 ? "DE" : "FR").ToArray(),
            },
        }, HttpStatusCode.Created);

        var now = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var items = new JsonArray();
        for (var i = 0; i < 600; i++)
        {
            var minutesAgo = 120 - (i / 5);
            var at = minute.AddMinutes(-minutesAgo).AddSeconds(5 + ((i % 5) * 10));
            var item = new JsonObject { ["predictionId"] = $"p{i}", ["timestamp"] = at.ToString("O", CultureInfo.InvariantCulture), ["latencyMs"] = 25 };
            if (minutesAgo <= 30)
            {
                item["error"] = "timeout";
            }
            else
            {
                item["prediction"] = 1;
                item["score"] = 0.8;
            }

            if (minutesAgo <= 60)
            {
                var j = i - 300;
                item["features"] = new JsonObject { ["amount"] = ((j + 0.5) / 3) + 30, ["country"] = j % 2 == 0 ? "DE" : "FR", ["noise"] = (299 - j) / 300.0 };
            }

            items.Add(item);
        }

        await SendAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/predictions", items, HttpStatusCode.OK);
    }

    private static async Task SendAsync(HttpClient client, HttpMethod method, string path, object body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Waited 60 s for {what}.");
    }
}
