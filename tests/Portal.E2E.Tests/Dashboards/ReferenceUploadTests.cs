using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

/// <summary>The drift tab's reference upload, in Chromium: a good CSV is stored and summarised; a bad one lists its errors.</summary>
[Collection(PortalCollection.Name)]
public sealed class ReferenceUploadTests(PortalServerFixture portal)
{
    [Fact]
    public async Task An_admin_uploads_a_csv_on_the_drift_tab_and_sees_what_was_stored_or_what_was_wrong()
    {
        var model = "upload-" + Guid.NewGuid().ToString("N")[..6];
        using (var api = portal.CreateHttpClient(portal.ApiKey))
        {
            using var put = await api.PutAsJsonAsync($"/api/v1/models/{model}", new
            {
                taskType = "binary",
                features = new object[] { new { name = "amount", type = "numerical" }, new { name = "country", type = "categorical" } },
            });
            put.EnsureSuccessStatusCode();
        }

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}?tab=drift");
        var panel = page.Locator("[data-testid=reference-upload]");
        await panel.WaitForAsync();

        var rows = string.Join('\n', Enumerable.Range(0, 500).Select(i => $"{10 + i % 90}.5,{(i % 3 == 0 ? "FR" : "DE")}"));
        await PickAsync(page, panel, Csv("training.csv", "amount,country\n" + rows + "\n"), "[data-testid=reference-stored]");
        Assert.Contains("500 rows, 2 columns", await page.InnerTextAsync("[data-testid=reference-stored]"));
        await PortalServerFixture.ScreenshotAsync(page, "reference-upload-stored");

        await PickAsync(page, panel, Csv("broken.csv", "amount,country\n1,DE\nabc,FR\n3\n"), "[data-testid=reference-errors]");
        var errors = await page.InnerTextAsync("[data-testid=reference-errors]");
        Assert.Contains("reference[row 3].amount", errors);
        Assert.Contains("reference[row 4]", errors);
        await PortalServerFixture.ScreenshotAsync(page, "reference-upload-errors");
    }

    /// <summary>
    /// Picks a file and waits for <paramref name="result"/>. MudFileUpload adds a fresh input after each pick (the newest
    /// is active), and a pick made before the input's script is attached is lost, so an unanswered pick is repeated.
    /// </summary>
    private static async Task PickAsync(IPage page, ILocator panel, FilePayload file, string result)
    {
        for (var attempt = 1; ; attempt++)
        {
            await panel.Locator("input[type=file]").Last.SetInputFilesAsync(file);
            try
            {
                await page.Locator(result).WaitForAsync(new() { Timeout = 10_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    private static FilePayload Csv(string name, string text) => new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(text) };
}
