using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

[Collection(PortalCollection.Name)]
public sealed class AdHocDriftReportTests(PortalServerFixture portal)
{
    [Fact]
    public async Task Sample_data_report_shows_chart_and_table_and_a_clicked_row_switches_the_distribution()
    {
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, "/drift/ad-hoc");

        await page.ClickAsync("#load-sample");
        await page.Locator("#run-report").WaitForAsync();
        await page.ClickAsync("#run-report");
        await page.Locator("#report-summary").WaitForAsync();
        await page.Locator("#drift-strength .main-svg").First.WaitForAsync();
        var rows = page.Locator("#report-table tbody tr");
        Assert.True(await rows.CountAsync() >= 2);
        Assert.Contains("columns drifted", await page.InnerTextAsync("#report-summary"));

        var title = page.Locator("#distribution h6");
        var before = await title.InnerTextAsync();
        var other = await rows.Filter(new() { HasNotText = before.Split(':')[0] }).First.InnerTextAsync();
        var column = other.Split('\t')[0].Trim();
        await rows.Filter(new() { HasText = column }).First.ClickAsync();
        await page.WaitForFunctionAsync("expected => document.querySelector('#distribution h6').textContent.startsWith(expected)", column + ":");
        Assert.NotEqual(before, await title.InnerTextAsync());
        await page.Locator("#drift-distribution .main-svg").First.WaitForAsync();
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");   // the app bar is fixed: a full-page shot from the top keeps it there
        await PortalServerFixture.ScreenshotAsync(page, "adhoc-drift-report");
    }
}
