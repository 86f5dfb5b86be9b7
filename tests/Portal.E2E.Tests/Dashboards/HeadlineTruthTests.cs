using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

/// <summary>
/// The headlines tell the truth (issue 18): a drifting feature of low weight is never green, a live drift estimate on
/// too few predictions says so without colour, and the request rate card shows the rate now beside the average over
/// the time that has data.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class HeadlineTruthTests(PortalServerFixture portal)
{
    [Fact]
    public async Task A_drifting_feature_with_low_weight_makes_the_drift_headline_and_the_models_list_amber_not_green()
    {
        var model = "e2e-lowweight-" + Guid.NewGuid().ToString("N")[..6];
        using var http = portal.CreateHttpClient(portal.ApiKey);
        string[] steady = ["tenure", "charges", "age", "usage"];
        await DashboardSeed.SendAsync(http, HttpMethod.Put, $"/api/v1/models/{model}", $$"""
            { "taskType": "binary", "versions": ["v1"], "features": [
              {{string.Join(",", steady.Select(f => $$"""{"name": "{{f}}", "type": "numerical", "importance": 0.24}"""))}},
              {"name": "support_tickets", "type": "numerical", "importance": 0.04} ] }
            """);
        // The steady features repeat the reference's values; support_tickets moves from 0–4 to 20–24.
        var values = string.Join(',', Enumerable.Range(0, 500).Select(i => (i % 100).ToString(CultureInfo.InvariantCulture)));
        var tickets = string.Join(',', Enumerable.Range(0, 500).Select(i => (i % 5).ToString(CultureInfo.InvariantCulture)));
        await DashboardSeed.SendAsync(http, HttpMethod.Put, $"/api/v1/models/{model}/reference",
            $$"""{"columns": { {{string.Join(",", steady.Select(f => $"\"{f}\": [{values}]"))}}, "support_tickets": [{{tickets}}] } }""");
        var now = DateTimeOffset.UtcNow;
        var items = Enumerable.Range(0, 300).Select(i =>
            $$"""{"predictionId": "lw-{{i}}", "timestamp": "{{DashboardSeed.Iso(now.AddSeconds(-5 * i))}}", "modelVersion": "v1", "prediction": {{i % 2}}, "score": 0.5, "features": { {{string.Join(",", steady.Select(f => $"\"{f}\": {i % 100}"))}}, "support_tickets": {{20 + (i % 5)}} } }""");
        await DashboardSeed.SendAsync(http, HttpMethod.Post, $"/api/v1/models/{model}/predictions", "[" + string.Join(',', items) + "]");

        using (var run = await http.PostAsync($"/api/v1/models/{model}/drift/run", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        }

        var until = DateTime.UtcNow.AddSeconds(60);
        JsonNode? latest = null;
        while (latest is null)
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting for the drift run");
            await Task.Delay(250);
            var runs = JsonNode.Parse(await http.GetStringAsync($"/api/v1/models/{model}/drift/runs?take=5"))!.AsArray();
            latest = runs.Count > 0 ? runs[0] : null;
        }

        Assert.False(latest["datasetDrift"]!.GetValue<bool>(), latest.ToJsonString());   // 4 % of the importance: the job's dataset rule says no

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab=drift");
        var headline = page.Locator("[data-testid=drift-headline]");
        await headline.WaitForAsync();
        Assert.Equal("amber", await headline.GetAttributeAsync("data-level"));
        var text = Squash(await headline.InnerTextAsync());
        Assert.True(Regex.IsMatch(text, @"^Drift — 1 of 5 features drifted — support_tickets \d+(\.\d)?×; multivariate drift \(PCA and MMD\)$"), text);   // the shift shows in the joint distribution too
        Assert.Equal("amber", await page.Locator("[data-testid=drift-summary] .portal-dot").GetAttributeAsync("data-level"));
        Assert.Contains("Dataset drift (importance-weighted share of drifted features ≥ the drift share): no", Squash(await page.InnerTextAsync("[data-testid=dataset-drift]")));
        await PortalServerFixture.ScreenshotAsync(page, "headline-drift-low-weight");

        await PortalServerFixture.GotoInteractiveAsync(page, "/models");
        var row = page.Locator($"tr[data-model='{model}']");
        await row.WaitForAsync();
        Assert.Equal("amber", await row.Locator(".portal-dot").GetAttributeAsync("data-level"));
        Assert.StartsWith("drift: 1 of 5 features drifted — support_tickets", await row.Locator("[data-testid=status-reason]").InnerTextAsync());
        await PortalServerFixture.ScreenshotAsync(page, "headline-models-low-weight");
    }

    [Fact]
    public async Task The_first_minute_live_estimate_says_not_enough_data_and_has_no_colour()
    {
        var model = "e2e-first-minute-" + Guid.NewGuid().ToString("N")[..6];
        using var http = portal.CreateHttpClient(portal.ApiKey);
        await DashboardSeed.CreateModelAsync(http, model);
        var amounts = string.Join(',', Enumerable.Range(0, 300).Select(i => (80 + (i % 60)).ToString(CultureInfo.InvariantCulture)));
        await DashboardSeed.SendAsync(http, HttpMethod.Put, $"/api/v1/models/{model}/reference", $$"""{"columns": {"amount": [{{amounts}}]} }""");
        var now = DateTimeOffset.UtcNow;
        var items = Enumerable.Range(0, 37).Select(i =>
            $$"""{"predictionId": "fm-{{i}}", "timestamp": "{{DashboardSeed.Iso(now.AddSeconds(-i))}}", "prediction": 1, "score": 0.9, "features": {"amount": {{900 + i}}, "country": "DE"} }""");
        await DashboardSeed.SendAsync(http, HttpMethod.Post, $"/api/v1/models/{model}/predictions", "[" + string.Join(',', items) + "]");

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab=drift");
        var headline = page.Locator("[data-testid=drift-headline]");
        await headline.WaitForAsync();

        Assert.Equal("Live estimate: not enough data (37 of 100)", Squash(await headline.InnerTextAsync()));
        Assert.Equal(0, await page.Locator("[data-testid=drift-summary] .portal-dot").CountAsync());
        Assert.Equal(0, await page.Locator("#drift-table").CountAsync());
        Assert.Equal(0, await page.Locator("#drift-strength").CountAsync());
        await PortalServerFixture.ScreenshotAsync(page, "headline-first-minute");
    }

    [Fact]
    public async Task The_rate_card_shows_the_rate_now_and_the_average_over_the_minutes_with_data_even_in_a_30_day_window()
    {
        var model = "e2e-rate-" + Guid.NewGuid().ToString("N")[..6];
        using var http = portal.CreateHttpClient(portal.ApiKey);
        await DashboardSeed.CreateModelAsync(http, model);
        // 60 a minute for the last 10 minutes; nothing before.
        var now = DateTimeOffset.UtcNow;
        var items = Enumerable.Range(0, 600).Select(i =>
            $$"""{"predictionId": "r-{{i}}", "timestamp": "{{DashboardSeed.Iso(now.AddSeconds(-i))}}", "prediction": 1, "score": 0.9, "latencyMs": 10, "features": {"amount": 100, "country": "DE"} }""");
        await DashboardSeed.SendAsync(http, HttpMethod.Post, $"/api/v1/models/{model}/predictions", "[" + string.Join(',', items) + "]");

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab=health&window=30d");
        var value = await page.InnerTextAsync("[data-testid=card-traffic-value]");
        var aside = await page.InnerTextAsync("[data-testid=card-traffic-aside]");

        Assert.Contains("Request rate (last 5 min)", await page.InnerTextAsync("[data-testid=card-traffic]"));
        Assert.InRange(PerMinute(value), 45, 75);              // ≈ 60/min, not 600 / 43,200 minutes = 0.01/min
        var average = AverageText().Match(aside);
        Assert.True(average.Success, aside);
        Assert.InRange(PerMinute(average.Groups["rate"].Value), 45, 65);
        Assert.InRange(int.Parse(average.Groups["minutes"].Value, CultureInfo.InvariantCulture), 10, 11);
        Assert.Equal("600 predictions in 30 days", await page.InnerTextAsync("[data-testid=card-traffic-detail]"));
        await page.Locator("[data-testid=card-traffic]").ScreenshotAsync(new() { Path = Path.Combine(PortalServerFixture.ScreenshotFolder, "headline-rate-card.png") });
    }

    private static string Squash(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    /// <summary>"58.2/min" or "1.2/s" as per minute.</summary>
    private static double PerMinute(string rate)
    {
        var perSecond = rate.EndsWith("/s", StringComparison.Ordinal);
        var number = double.Parse(rate[..rate.IndexOf('/')], CultureInfo.InvariantCulture);
        return perSecond ? number * 60 : number;
    }

    [GeneratedRegex(@"^average (?<rate>[0-9.]+/(min|s)) over the (?<minutes>\d+) min with data$")]
    private static partial Regex AverageText();
}
