using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

[Collection(PortalCollection.Name)]
public sealed class LiveUpdateTests(PortalServerFixture portal)
{
    [Fact]
    public async Task Prediction_posted_over_rest_appears_on_the_open_health_tab_without_reload()
    {
        const string model = "e2e-live";
        using var client = portal.CreateHttpClient(portal.ApiKey);
        await DashboardSeed.CreateModelAsync(client, model);
        await PostPredictionAsync(client, model, "live-1");

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab=health");
        Assert.Equal("1 predictions in 1 hour", await page.InnerTextAsync("[data-testid=card-traffic-detail]"));
        await page.EvaluateAsync("() => window.portalNoReload = true");

        await PostPredictionAsync(client, model, "live-2");
        // The timeout only guards against hanging; how fast the update arrives is not a unit-test assertion.
        await page.WaitForFunctionAsync(
            "() => document.querySelector('[data-testid=card-traffic-detail]').textContent === '2 predictions in 1 hour'",
            null, new() { Timeout = 30_000 });

        Assert.True(await page.EvaluateAsync<bool>("() => window.portalNoReload === true"), "the page was reloaded");
        await PortalServerFixture.ScreenshotAsync(page, "dashboard-live-update");
    }

    private static Task PostPredictionAsync(HttpClient client, string model, string id) =>
        DashboardSeed.SendAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/predictions",
            $$$"""{"predictionId": "{{{id}}}", "prediction": 1, "score": 0.8, "latencyMs": 20, "features": {"amount": 100, "country": "DE"}}""");
}
