using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Dashboards;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Streaming;

/// <summary>A stream whose mean score shifts, posted over REST to the real server, shows up on the Drift tab.</summary>
[Collection(PortalCollection.Name)]
public sealed class PossibleDriftTests(PortalServerFixture portal)
{
    private const string Model = "e2e-streaming";
    private const string Features = """{"amount": 100, "country": "DE"}""";

    [Fact]
    public async Task A_shifting_score_stream_posted_over_rest_appears_as_possible_drift_on_the_drift_tab()
    {
        using var client = portal.CreateHttpClient(portal.ApiKey);
        await DashboardSeed.CreateModelAsync(client, Model);
        var random = new Random(7);
        var start = DateTimeOffset.UtcNow.AddMinutes(-20);
        for (var batch = 0; batch < 10; batch++)
        {
            // 600 scores around 0.2, then 400 around 0.8, spread over the last 20 minutes.
            var items = Enumerable.Range(batch * 100, 100).Select(i =>
            {
                var score = (i < 600 ? 0.2 : 0.8) + ((random.NextDouble() - 0.5) * 0.1);
                var at = DashboardSeed.Iso(start.AddSeconds(i * 1.2));
                return $$"""{"predictionId": "s-{{i}}", "timestamp": "{{at}}", "modelVersion": "v1", "prediction": {{(score >= 0.5 ? 1 : 0)}}, "score": {{score.ToString("0.####", CultureInfo.InvariantCulture)}}, "features": {{Features}}}""";
            });
            await DashboardSeed.SendAsync(client, HttpMethod.Post, $"/api/v1/models/{Model}/predictions", "[" + string.Join(",", items) + "]");
        }

        // The detectors run behind a queue: the REST API shows the events once they are stored.
        JsonElement events = default;
        for (var i = 0; i < 100 && (events.ValueKind != JsonValueKind.Array || events.GetArrayLength() < 2); i++)
        {
            await Task.Delay(100);
            events = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/models/{Model}/drift-events")).RootElement.Clone();
        }

        Assert.Equal(["adwin", "page-hinkley"], events.EnumerateArray().Select(e => e.GetProperty("detector").GetString()).Order());

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{Model}?tab=drift&window=1h");
        var panel = page.Locator("[data-testid=possible-drift]");
        await panel.Locator("#possible-drift-table").WaitForAsync();
        var rows = panel.Locator("#possible-drift-table tbody tr");
        Assert.Equal(2, await rows.CountAsync());
        var text = await panel.InnerTextAsync();
        Assert.Contains("mean score", text);
        Assert.Contains("ADWIN", text);
        Assert.Contains("Page–Hinkley", text);
        await panel.Locator("#possible-drift-chart .main-svg").First.WaitForAsync();
        await panel.ScrollIntoViewIfNeededAsync();
        await PortalServerFixture.ScreenshotAsync(page, "possible-drift-panel");
        await panel.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(PortalServerFixture.ScreenshotFolder, "possible-drift-panel-only.png") });

        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{Model}?tab=health&window=1h");
        var note = page.Locator("[data-testid=possible-drift-note]");
        Assert.Contains("2 possible-drift events", await note.InnerTextAsync());
        await note.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(PortalServerFixture.ScreenshotFolder, "possible-drift-health-note.png") });
    }
}
