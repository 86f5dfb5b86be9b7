using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

/// <summary>Markup sent by model services (feature names, categories, predicted labels) is shown as text on the dashboards.</summary>
[Collection(PortalCollection.Name)]
public sealed class DashboardXssTests(PortalServerFixture portal)
{
    private const string Payload = "<img src=x onerror=\\\"window.__xss=1\\\"><script>window.__xss=1</script>";
    private const string Shown = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=1</script>";

    [Fact]
    public async Task Markup_in_feature_names_categories_and_labels_is_shown_as_text_and_never_runs()
    {
        const string model = "e2e-xss";
        using var client = portal.CreateHttpClient(portal.ApiKey);
        await DashboardSeed.SendAsync(client, HttpMethod.Put, $"/api/v1/models/{model}", $$"""
            { "taskType": "multiclass", "versions": ["v1"],
              "features": [ {"name": "{{Payload}}", "type": "categorical", "categories": ["{{Payload}}"], "importance": 1} ] }
            """);
        var items = string.Join(',', Enumerable.Range(0, 20).Select(i =>
            $$$"""{"predictionId": "x-{{{i}}}", "prediction": "{{{Payload}}}", "features": {"{{{Payload}}}": "{{{Payload}}}"}}"""));
        await DashboardSeed.SendAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/predictions", "[" + items + "]");
        await DashboardSeed.SendAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/feedback",
            "[" + string.Join(',', Enumerable.Range(0, 20).Select(i => $$$"""{"predictionId": "x-{{{i}}}", "label": "{{{Payload}}}"}""")) + "]");

        var page = await portal.NewPageAsync();
        foreach (var (tab, rendered) in new (string, string?)[] { ("health", "#chart-requests .main-svg"), ("quality", "#chart-confusion .main-svg"), ("drift", null) })
        {
            await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab={tab}");

            // Positive signals instead of a fixed wait: the tab has drawn what carries the payload (its chart, or the
            // payload as text), and an image of the payload's src="x" that the test adds has failed to load, so an
            // onerror handler injected with the page's content would have run by now too.
            if (rendered is not null)
            {
                await page.Locator(rendered).First.WaitForAsync();
            }
            else
            {
                await page.WaitForFunctionAsync("shown => document.querySelector('.mud-main-content').innerText.includes(shown)", Shown);
            }

            await PageSignals.ControlImageSettledAsync(page);
            Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__xss"));
            Assert.Equal(0, await page.Locator(".mud-main-content img[src=x], .mud-main-content script").CountAsync());
        }

        Assert.Contains(Shown, await page.InnerTextAsync(".mud-main-content"));
        await PortalServerFixture.ScreenshotAsync(page, "xss-dashboard-drift");
    }
}
