using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

/// <summary>The models list and each tab of a model page, on data posted over REST (the demo is off).</summary>
[Collection(PortalCollection.Name)]
public sealed class DashboardTests(PortalServerFixture portal) : IAsyncLifetime
{
    private const string M = DashboardSeed.Model;

    public Task InitializeAsync() => DashboardSeed.EnsureAsync(portal);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Home_page_leads_to_the_models_list_with_status_and_last_hour_traffic()
    {
        var page = await portal.NewPageAsync();
        await page.ClickAsync("#open-models");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/models", new() { WaitUntil = WaitUntilState.Commit });
        var row = page.Locator($"tr[data-model='{M}']");
        await row.WaitForAsync();

        Assert.Contains(DashboardSeed.Predictions.ToString(), await row.InnerTextAsync());
        Assert.Contains("binary", await row.InnerTextAsync());
        Assert.Equal(1, await row.Locator("svg.portal-sparkline polyline").CountAsync());
        Assert.Matches("^(green|amber|red|unknown)$", await row.Locator(".portal-dot").GetAttributeAsync("data-level") ?? "");
        await PortalServerFixture.ScreenshotAsync(page, "dashboard-models");

        await PortalServerFixture.WaitForInteractiveAsync(page);
        await page.FillAsync("#model-search", "no-such-model");
        await page.Locator("text=No model matches the search.").WaitForAsync();
    }

    [Fact]
    public async Task Health_tab_shows_the_posted_traffic_errors_latency_and_accuracy()
    {
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{M}?tab=health&window=1h");

        Assert.Equal($"{DashboardSeed.Predictions} predictions in 1 hour", await page.InnerTextAsync("[data-testid=card-traffic-detail]"));
        Assert.Equal("5.00 %", await page.InnerTextAsync("[data-testid=card-errors-value]"));   // 6 of 120
        Assert.Equal("red", await page.GetAttributeAsync("[data-testid=card-errors]", "data-level"));   // red from 5 %
        Assert.StartsWith("p95 ", await page.InnerTextAsync("[data-testid=card-latency-value]"));
        Assert.Contains("(±2 %)", await page.InnerTextAsync("[data-testid=card-latency-detail]"));
        Assert.Equal("83.3 %", await page.InnerTextAsync("[data-testid=card-accuracy-value]"));  // 50 of 60 labels
        Assert.Contains("No active alerts", await page.InnerTextAsync("[data-testid=active-alerts]"));
        await page.Locator("#chart-requests .main-svg").First.WaitForAsync();
        await page.Locator("#chart-latency .main-svg").First.WaitForAsync();
        await PortalServerFixture.ScreenshotAsync(page, "dashboard-health");
    }

    [Fact]
    public async Task Quality_tab_shows_accuracy_label_coverage_confusion_matrix_and_versions()
    {
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{M}?tab=quality");

        Assert.Equal("83.3 %", await page.InnerTextAsync("[data-testid=quality-accuracy-value]"));
        Assert.Equal("50.0 %", await page.InnerTextAsync("[data-testid=quality-coverage-value]"));  // 60 of 120 labelled
        await page.Locator("#chart-confusion .main-svg").First.WaitForAsync();
        await page.Locator("#chart-confidence .main-svg").First.WaitForAsync();
        Assert.Contains("v1", await page.InnerTextAsync("[data-testid=version-table]"));
        await PortalServerFixture.ScreenshotAsync(page, "dashboard-quality");

        // A multiclass model: the same heat map, one row and column per class, counts with row shares in the cells.
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{DashboardSeed.Multiclass}?tab=quality");
        var matrix = page.Locator("[data-testid=confusion-matrix]");
        await matrix.Locator("#chart-confusion .main-svg").First.WaitForAsync();
        Assert.Contains("Confusion matrix (80 labelled)", await matrix.InnerTextAsync());
        string[] queues = ["account", "billing", "sales", "technical"];
        Assert.Equal(queues, await matrix.Locator(".xtick text").AllTextContentsAsync());
        Assert.Equal(queues, (await matrix.Locator(".ytick text").AllTextContentsAsync()).Order());   // drawn top-down, listed bottom-up
        // Cell texts are "count<br>share of the row"; technical → account: 8 of 20.
        var texts = (await matrix.Locator("svg text").AllTextContentsAsync()).Select(t => new string([.. t.Where(c => !char.IsWhiteSpace(c))]));
        Assert.Contains("840.0%", texts);
        await PortalServerFixture.ScreenshotAsync(page, "dashboard-quality-multiclass");

        // Hover on actual technical → predicted account (bottom-left cell of the 4 × 4 grid).
        var grid = matrix.Locator(".nsewdrag").First;
        var box = (await grid.BoundingBoxAsync())!;
        await grid.HoverAsync(new() { Position = new() { X = box.Width / 8, Y = box.Height * 7 / 8 } });
        await matrix.Locator(".hoverlayer text").First.WaitForAsync();
        var hover = string.Join(" ", await matrix.Locator(".hoverlayer text").AllTextContentsAsync());
        Assert.Contains("actual technical → predicted account", hover);
        Assert.Contains("8 of 20 (40.0 % of actual technical)", hover);
        await matrix.ScreenshotAsync(new() { Path = Path.Combine(PortalServerFixture.ScreenshotFolder, "dashboard-confusion-hover.png") });
    }

    [Fact]
    public async Task Drift_tab_scores_features_against_the_reference_and_shows_data_quality()
    {
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{M}?tab=drift");

        Assert.Contains("Live estimate", await page.InnerTextAsync("[data-testid=drift-summary]"));
        var table = page.Locator("#drift-table");
        Assert.Contains("amount", await table.InnerTextAsync());
        Assert.Contains("drift", await table.Locator("tr", new() { HasText = "amount" }).InnerTextAsync());   // 80–140 became 250–350
        await page.Locator("#drift-strength .main-svg").First.WaitForAsync();

        var quality = page.Locator("#data-quality-table");
        var amount = await quality.Locator("tr", new() { HasText = "amount" }).InnerTextAsync();
        Assert.Contains("5.0 %", amount);     // 6 of 120 missing
        var country = await quality.Locator("tr", new() { HasText = "country" }).InnerTextAsync();
        Assert.Contains("12 (10.0 %)", country);   // PL is not in the schema

        var title = page.Locator("[data-testid=distribution-title]");
        Assert.Equal("amount: reference vs current", await title.InnerTextAsync());
        await table.Locator("tr", new() { HasText = "country" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=distribution-title]').textContent.startsWith('country')");
        await page.Locator("#drift-overlay .main-svg").First.WaitForAsync();
        await PortalServerFixture.ScreenshotAsync(page, "dashboard-drift");
    }

    [Fact]
    public async Task Resources_tab_shows_the_model_host_and_the_portal_process()
    {
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{M}?tab=resources");

        var host = await page.Locator("#hosts-table tr", new() { HasText = DashboardSeed.Host }).InnerTextAsync();
        Assert.Contains("2 GiB", host);
        Assert.Contains("70 %", host);
        Assert.Contains("threads", await page.InnerTextAsync("[data-testid=portal-process]"));
        await page.Locator("#chart-cpu .main-svg").First.WaitForAsync();
        await page.Locator("#chart-gpu .main-svg").First.WaitForAsync();
        await PortalServerFixture.ScreenshotAsync(page, "dashboard-resources");
    }

    [Fact]
    public async Task Switching_tabs_keeps_the_window_in_the_address()
    {
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{M}?tab=health&window=24h");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Quality" }).ClickAsync();
        // A tab switch is a same-document navigation (history.pushState): there is no load event to wait for.
        await page.WaitForURLAsync(url => url.Contains("tab=quality") && url.Contains("window=24h"), new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("[data-testid=quality-accuracy-value]").WaitForAsync();
    }
}
