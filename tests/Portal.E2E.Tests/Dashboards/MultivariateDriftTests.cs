using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Portal.Client;
using Portal.Client.Simulation;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

/// <summary>
/// The Drift tab's multivariate panel on the demo churn model (the demo itself is off here, so its definition, reference
/// and traffic are posted with the demo's own generator): four drift runs while the link between tenure and monthly
/// charges breaks.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class MultivariateDriftTests(PortalServerFixture portal)
{
    [Fact]
    public async Task Drift_tab_of_the_demo_churn_model_shows_pca_error_and_mmd_p_value()
    {
        var churn = new ChurnModel();
        var model = churn.Name;
        var random = new Random(5);
        using var http = portal.CreateHttpClient(portal.ApiKey);
        await using var client = new PortalClient(new PortalClientOptions { BaseAddress = new Uri(portal.BaseUrl + "/"), ApiKey = portal.ApiKey });
        await client.PutModelAsync(model, churn.Definition);
        await client.PutReferenceAsync(model, churn.Reference(random, 3000));

        // Before: the reference's joint distribution; then twice 400 predictions after 8 drift hours (charges no longer follow tenure).
        var runs = 0;
        foreach (var (driftHours, minutesAgo) in new[] { (0.0, 50), (8.0, 40), (8.0, 30) })
        {
            var at = DateTimeOffset.UtcNow.AddMinutes(-minutesAgo);
            var items = Enumerable.Range(0, 400).Select(i => churn.Next(random, $"mv-{driftHours}-{minutesAgo}-{i}", at.AddSeconds(i), driftHours).Item1).ToList();
            var sent = await client.SendPredictionsAsync(model, items);
            Assert.Equal(400, sent.Accepted);
            await SendRunAsync(http, model);
            runs++;
            await WaitUntilAsync(async () => JsonNode.Parse(await http.GetStringAsync($"/api/v1/models/{model}/drift/runs?take=50"))!.AsArray().Count >= runs, "drift run " + runs);
        }

        // A fourth run with ks on two features and Benjamini–Hochberg on: the table shows the adjusted p-values.
        using (var put = await http.PutAsync($"/api/v1/models/{model}/drift/settings", new StringContent(
            """{"features": {"tenure_months": {"test": "ks"}, "monthly_charges": {"test": "ks"}}, "benjaminiHochberg": true}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        await SendRunAsync(http, model);
        await WaitUntilAsync(async () => JsonNode.Parse(await http.GetStringAsync($"/api/v1/models/{model}/drift/runs?take=50"))!.AsArray().Count >= 4, "drift run 4");

        var latest = JsonNode.Parse(await http.GetStringAsync($"/api/v1/models/{model}/drift/runs/latest"))!;
        Assert.True(latest["mmdDrift"]!.GetValue<bool>(), latest.ToJsonString());

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab=drift&window=6h");
        var panel = page.Locator("[data-testid=multivariate-drift]");
        await panel.Locator("[data-testid=pca-error]").WaitForAsync();
        Assert.Matches(@"^\d+\.\d+$", await panel.Locator("[data-testid=pca-error]").InnerTextAsync());
        Assert.Matches(@"^\d+(\.\d+)?$", await panel.Locator("[data-testid=mmd-p]").InnerTextAsync());
        Assert.Contains("Below alpha 0.05", await panel.InnerTextAsync());
        Assert.Equal("4", await panel.GetAttributeAsync("data-runs"));
        Assert.Contains("numerical features (tenure_months, monthly_charges, support_tickets)", await panel.InnerTextAsync());
        await page.Locator("#chart-pca-error .main-svg").First.WaitForAsync();
        await page.Locator("#chart-mmd-p .main-svg").First.WaitForAsync();
        Assert.Contains("Benjamini–Hochberg on", await page.InnerTextAsync("[data-testid=drift-summary]"));
        Assert.Contains("BH adj. ", await page.InnerTextAsync("#drift-table tr:has-text('tenure_months')"));
        await PortalServerFixture.ScreenshotAsync(page, "drift-multivariate");

        // The same model without a reference: the hint says what to do, and no empty box stands under it.
        var bare = "mv-no-reference-" + Guid.NewGuid().ToString("N")[..6];
        await client.PutModelAsync(bare, churn.Definition);
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{bare}?tab=drift");
        await page.Locator("[data-testid=drift-no-reference]").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=drift-summary]").CountAsync());
        Assert.Contains("upload one with at least two numerical features", await page.InnerTextAsync("[data-testid=multivariate-empty]"));
        await PortalServerFixture.ScreenshotAsync(page, "drift-multivariate-no-reference");
    }

    private static async Task SendRunAsync(HttpClient http, string model)
    {
        using var response = await http.PostAsync($"/api/v1/models/{model}/drift/run", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for {what}");
            await Task.Delay(250);
        }
    }
}
