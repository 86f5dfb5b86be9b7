using System.Globalization;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

/// <summary>
/// Grafana habits (issue 18): annotations on the time charts, a drag across a chart that sets the page's time range and
/// its address, and an absolute range typed into the range form.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class TimeRangeTests(PortalServerFixture portal)
{
    [Fact]
    public async Task A_version_start_is_annotated_and_a_drag_across_a_chart_sets_the_range_of_every_tab()
    {
        var model = "e2e-zoom-" + Guid.NewGuid().ToString("N")[..6];
        using var http = portal.CreateHttpClient(portal.ApiKey);
        await DashboardSeed.CreateModelAsync(http, model);
        var now = DateTimeOffset.UtcNow;

        // Three hours of v1, a prediction a minute, then v2 for the last 40 minutes.
        var items = Enumerable.Range(0, 180).Select(i =>
        {
            var at = now.AddMinutes(-180 + i);
            var version = i < 140 ? "v1" : "v2";
            return $$$"""{"predictionId": "z-{{{i}}}", "timestamp": "{{{DashboardSeed.Iso(at)}}}", "modelVersion": "{{{version}}}", "prediction": 1, "score": 0.7, "latencyMs": 20, "features": {"amount": 100, "country": "DE"}}""";
        });
        await DashboardSeed.SendAsync(http, HttpMethod.Post, $"/api/v1/models/{model}/predictions", "[" + string.Join(',', items) + "]");

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab=health&window=6h");
        var chart = page.Locator("#chart-requests");
        try { await chart.Locator(".main-svg").First.WaitForAsync(new() { Timeout = 15000 }); }
        catch (TimeoutException) { await PortalServerFixture.ScreenshotAsync(page, "debug-zoom"); throw new InvalidOperationException(await page.InnerTextAsync("main")); }

        // The annotations: a legend entry, and a marker per start (v1 three hours ago, v2 40 minutes ago; the last
        // trace) whose hover names the version.
        await chart.Locator(".legendtext", new() { HasText = "version started" }).WaitForAsync();
        var markers = chart.Locator(".scatterlayer .trace").Last.Locator("path.point");
        Assert.Equal(2, await markers.CountAsync());
        Assert.Equal(2, await chart.Locator(".shapelayer path[style*='stroke-dasharray']").CountAsync());
        await markers.Last.HoverAsync(new() { Force = true });
        await Assertions.Expect(chart.Locator(".hoverlayer")).ToContainTextAsync("Version v2 started serving");
        await PortalServerFixture.ScreenshotAsync(page, "time-range-annotation");

        // Drag across the middle of the plot area, from about 40 % to 70 % of its width. On a loaded machine a drag
        // that starts while the chart is still redrawing is lost, as it would be for a person, who drags again.
        for (var attempt = 1; ; attempt++)
        {
            var drag = await chart.Locator(".nsewdrag").First.BoundingBoxAsync() ?? throw new InvalidOperationException("no plot area");
            var y = drag.Y + (drag.Height / 2);
            await page.Mouse.MoveAsync(drag.X + (drag.Width * 0.4f), y);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(drag.X + (drag.Width * 0.55f), y, new() { Steps = 5 });
            await page.Mouse.MoveAsync(drag.X + (drag.Width * 0.7f), y, new() { Steps = 5 });
            await page.Mouse.UpAsync();
            try
            {
                await page.WaitForURLAsync(url => url.Contains("from=") && url.Contains("to="), new() { WaitUntil = WaitUntilState.Commit, Timeout = 20_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }

        var query = System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query);
        var from = DateTimeOffset.Parse(query["from"]!, CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse(query["to"]!, CultureInfo.InvariantCulture);
        // 30 % of six hours (the plot area has small margins): between about 1 and 2.5 hours, inside the window.
        Assert.InRange((to - from).TotalHours, 1.0, 2.5);
        Assert.InRange(from, now.AddHours(-6.1), now);

        // The cards follow the range: only its predictions are counted.
        var expected = Enumerable.Range(0, 180).Count(i => now.AddMinutes(-180 + i) is var at && at >= Floor(from) && at <= Floor(to).AddMinutes(1));
        var detail = page.Locator("[data-testid=card-traffic-detail]");
        await Assertions.Expect(detail).ToContainTextAsync(" UTC");
        var shown = int.Parse((await detail.InnerTextAsync()).Split(' ')[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.InRange(shown, expected - 1, expected + 1);   // the minute the boundary falls in
        await PortalServerFixture.ScreenshotAsync(page, "time-range-zoomed");

        // Another tab keeps the range.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Quality" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("tab=quality") && url.Contains("from="), new() { WaitUntil = WaitUntilState.Commit });
    }

    [Fact]
    public async Task An_absolute_range_typed_in_the_form_goes_into_the_address()
    {
        var model = "e2e-range-" + Guid.NewGuid().ToString("N")[..6];
        using var http = portal.CreateHttpClient(portal.ApiKey);
        await DashboardSeed.CreateModelAsync(http, model);
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab=health");

        await page.ClickAsync("#range-toggle");
        var day = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.FillAsync("#range-from", $"{day} 09:00");
        await page.FillAsync("#range-to", "not a time");
        await page.ClickAsync("#range-apply");
        await page.Locator("#range-form", new() { HasText = "A time like 2026-12-04 12:00 (UTC)" }).WaitForAsync();

        await page.FillAsync("#range-to", $"{day} 17:30");
        await page.ClickAsync("#range-apply");
        await page.WaitForURLAsync(url => url.Contains($"from={day}T09%3A00Z") && url.Contains($"to={day}T17%3A30Z"), new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.Locator("[data-testid=health-empty]")).ToContainTextAsync("09:00 – 17:30 UTC");
        await PortalServerFixture.ScreenshotAsync(page, "time-range-form");
    }

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
}
