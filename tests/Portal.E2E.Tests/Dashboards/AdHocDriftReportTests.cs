using System.Net;
using System.Text;
using Microsoft.Playwright;
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

    [Fact]
    public async Task A_report_saved_for_a_model_is_listed_on_its_drift_tab_and_opens_as_it_was_saved()
    {
        var model = "e2e-saved-" + Guid.NewGuid().ToString("N")[..6];
        using (var api = portal.CreateHttpClient(portal.ApiKey))
        using (var created = await api.PutAsync($"/api/v1/models/{model}", new StringContent("""{"taskType": "binary"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, "/drift/ad-hoc");
        await page.ClickAsync("#load-sample");
        await page.Locator("#run-report").WaitForAsync();
        await page.ClickAsync("#run-report");
        var verdict = await page.InnerTextAsync("[data-testid=report-verdict]");

        await page.Locator("#save-model .mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = model }).ClickAsync();
        await page.GetByLabel("Report name").FillAsync("sample before the rollout");
        await page.ClickAsync("#save-button");
        await Assertions.Expect(page.Locator("#saved-link")).ToContainTextAsync("sample before the rollout");

        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab=drift");
        var link = page.Locator("#saved-drift-reports-table a", new() { HasText = "sample before the rollout" });
        await Assertions.Expect(page.Locator("#saved-drift-reports-table")).ToContainTextAsync("sample-reference.csv");
        await link.ClickAsync();
        await page.WaitForURLAsync($"**/models/{model}/drift/reports/*", new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.Locator("#saved-report-name")).ToHaveTextAsync("sample before the rollout");
        Assert.Equal(verdict, await page.InnerTextAsync("[data-testid=report-verdict]"));
        Assert.True(await page.Locator("#report-table tbody tr").CountAsync() >= 2);
        await page.Locator("#drift-strength .main-svg").First.WaitForAsync();
        await PortalServerFixture.ScreenshotAsync(page, "saved-drift-report");
    }
}
