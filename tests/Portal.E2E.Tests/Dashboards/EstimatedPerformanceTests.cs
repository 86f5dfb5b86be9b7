using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

/// <summary>
/// The estimated-performance panel on the quality tab of a binary model shaped like the demo's fraud detector (the
/// demo is off here): a reference with score, prediction and label columns from a calibrated model, then 40 minutes of predictions
/// whose scores shifted towards the uncertain middle, a quarter of them labelled, and two quality job runs.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class EstimatedPerformanceTests(PortalServerFixture portal)
{
    [Fact]
    public async Task Quality_tab_shows_estimated_accuracy_with_its_band_coverage_and_calibration()
    {
        var model = "e2e-cbpe-" + Guid.NewGuid().ToString("N")[..8];
        using var client = portal.CreateHttpClient(portal.ApiKey);
        await SeedAsync(client, model);
        string? at = null;
        for (var run = 1; run <= 2; run++)
        {
            using var response = await client.PostAsync($"/api/v1/models/{model}/quality/run", null);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var previous = at;
            await WaitUntilAsync(async () => (at = await EstimatedAtAsync(client, model)) is not null && at != previous, $"quality run {run} with an estimate");
        }

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab=quality&window=1h");
        var panel = page.Locator("[data-testid=estimated-performance]");
        await panel.Locator("[data-testid=estimated-value]").WaitForAsync();

        Assert.Matches(@"^\d{1,3}\.\d %$", await panel.Locator("[data-testid=estimated-value]").InnerTextAsync());
        Assert.Matches(@"^band \d{1,3}\.\d % – \d{1,3}\.\d %", await panel.Locator("[data-testid=estimated-band]").InnerTextAsync());
        Assert.Contains("outside the band", await panel.Locator("[data-testid=estimated-band]").InnerTextAsync());   // shifted scores
        Assert.Equal("100 of 400", await panel.Locator("[data-testid=estimated-coverage]").InnerTextAsync());          // labelled of scored, in the job window
        Assert.Matches("^(isotonic|raw scores)$", await panel.Locator("[data-testid=estimated-calibration]").InnerTextAsync());
        Assert.Matches(@"^\d{1,3}\.\d %$", await panel.Locator("[data-testid=estimated-realised]").InnerTextAsync());
        Assert.Matches(@"^expected \d{1,3}\.\d % – \d{1,3}\.\d % given the estimate", (await panel.Locator("[data-testid=estimated-realised-range]").InnerTextAsync()).Trim());
        Assert.Equal(0, await panel.Locator("[data-testid=estimated-note]").CountAsync());   // the reference has predictions and enough rows
        await panel.Locator("#chart-estimated-performance .scatterlayer path").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });

        // The metric selector switches the figures to ROC AUC.
        await panel.Locator("[data-testid=estimated-metric]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "ROC AUC" }).ClickAsync();
        await panel.Locator("text=Estimated ROC AUC").First.WaitForAsync();
        await page.Mouse.MoveAsync(0, 0);
        await PortalServerFixture.ScreenshotAsync(page, "quality-estimated-performance");
    }

    /// <summary>When the latest quality run computed its all-predictions row of the last hour, if it holds an estimate.</summary>
    private static async Task<string?> EstimatedAtAsync(HttpClient client, string model)
    {
        var answer = JsonNode.Parse(await client.GetStringAsync($"/api/v1/models/{model}/quality?window=1h"))!;
        var all = answer["results"]!.AsArray().FirstOrDefault();
        return all?["estimatedAccuracy"] is JsonValue ? all["at"]!.ToJsonString() : null;
    }

    /// <summary>Calibrated reference (score = P(y = 1)), then shifted traffic: scores near 0.5 make the model unsure.</summary>
    private static async Task SeedAsync(HttpClient client, string model)
    {
        await DashboardSeed.CreateModelAsync(client, model);
        var random = new Random(21);
        double Score(double mean, double sd) =>
            Math.Round(1 / (1 + Math.Exp(-2 * (mean + (sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))))), 4);
        string Num(double v) => v.ToString(CultureInfo.InvariantCulture);

        var scores = Enumerable.Range(0, 2000).Select(_ => Score(0, 1.2)).ToArray();
        var labels = scores.Select(s => random.NextDouble() < s ? 1 : 0).ToArray();
        var amounts = scores.Select(_ => Num(Math.Round(100 + (random.NextDouble() * 50), 2)));
        await DashboardSeed.SendAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/reference",
            $$$"""{"columns": {"amount": [{{{string.Join(',', amounts)}}}], "score": [{{{string.Join(',', scores.Select(Num))}}}], "prediction": [{{{string.Join(',', scores.Select(s => s >= 0.5 ? 1 : 0))}}}], "label": [{{{string.Join(',', labels)}}}]}}""");

        var now = DateTimeOffset.UtcNow;
        var current = Enumerable.Range(0, 400).Select(_ => Score(0, 0.4)).ToArray();
        var items = current.Select((s, i) =>
            $$$"""{"predictionId": "c-{{{i}}}", "timestamp": "{{{DashboardSeed.Iso(now.AddSeconds(-6 * i))}}}", "modelVersion": "v1", "prediction": {{{(s >= 0.5 ? 1 : 0)}}}, "score": {{{Num(s)}}}, "features": {"amount": {{{Num(120 + (i % 30))}}}, "country": "DE"}}""");
        await DashboardSeed.SendAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/predictions", "[" + string.Join(',', items) + "]");
        var feedback = current.Take(100).Select((s, i) => $$"""{"predictionId": "c-{{i}}", "label": {{(random.NextDouble() < s ? 1 : 0)}}}""");
        await DashboardSeed.SendAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/feedback", "[" + string.Join(',', feedback) + "]");
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

            await Task.Delay(500);
        }

        throw new TimeoutException($"Timed out waiting for {what}.");
    }
}
