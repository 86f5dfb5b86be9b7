using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class ExperimentsTests(PortalServerFixture portal)
{
    [Fact]
    public async Task Product_owner_creates_starts_and_reads_an_experiment_whose_observations_arrive_over_rest()
    {
        var model = "e2e-exp-" + Guid.NewGuid().ToString("N")[..6];
        var id = "checkout-" + Guid.NewGuid().ToString("N")[..6];
        using var api = portal.CreateHttpClient(portal.ApiKey);
        using (var created = await api.PutAsync($"/api/v1/models/{model}", Json(new { taskType = "binary", versions = new[] { "v1", "v2" } })))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // A product owner, created by the admin and signed in through the login page.
        var admin = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(admin, "/admin/users");
        var email = $"po-{Guid.NewGuid():N}@portal.test";
        var password = await UsersPage.CreateUserAsync(admin, email, "Pat Owner", "ProductOwner");
        var page = await portal.NewPageAsync(signedIn: false);
        await PortalServerFixture.SignInAsync(page, email, password);

        await PortalServerFixture.GotoInteractiveAsync(page, "/experiments");
        await page.ClickAsync("#new-experiment");
        await page.WaitForURLAsync("**/experiments/new");
        await PortalServerFixture.WaitForInteractiveAsync(page);
        await page.GetByLabel("Experiment name").FillAsync("Checkout with v2");
        await page.GetByLabel("Experiment id").FillAsync(id);
        await page.GetByLabel("Hypothesis").FillAsync("v2's sharper scores raise checkout conversion.");
        await page.Locator("#model-select .mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = model }).ClickAsync();

        // The required sample follows the plan while typing: 10 % baseline, 5 % MDE first …
        var required = page.Locator("#plan-required");
        await Assertions.Expect(required).ToHaveTextAsync("57,764 units per arm");
        await page.GetByLabel("Baseline rate").FillAsync("0.5");
        await page.GetByLabel("MDE %").FillAsync("50");
        // … then 50 % and 50 %: 59 per arm (ExperimentStatistics.SampleSizePerVariant(0.5, 0.5)).
        await Assertions.Expect(required).ToHaveTextAsync("59 units per arm");
        await page.GetByLabel("Looks").FillAsync("1");
        await PortalServerFixture.ScreenshotAsync(page, "experiment-form");

        await page.ClickAsync("#save-experiment");
        await page.WaitForURLAsync($"**/experiments/{id}");
        await PortalServerFixture.WaitForInteractiveAsync(page);
        await page.ClickAsync("#start-experiment");
        await Assertions.Expect(page.Locator("[data-testid=experiment-state]").First).ToHaveTextAsync("running");

        // The service asks for assignments and reports conversions.
        var assigned = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/experiments/{id}/assignment?unit=user-1")).RootElement.GetProperty("variant").GetString();
        Assert.Contains(assigned, new[] { "control", "treatment" });
        // Two batches, each analysed: the first is early (keep running), the second completes the sample.
        foreach (var (from, to) in new[] { (0, 30), (30, 70) })
        {
            var observations = Enumerable.Range(from, to - from).Select(i => new { unitId = $"c{i}", variant = "control", value = i % 10 < 3 ? 1 : 0 })
                .Concat(Enumerable.Range(from, to - from).Select(i => new { unitId = $"t{i}", variant = "treatment", value = i % 10 < 7 ? 1 : 0 }));
            using var posted = await api.PostAsync($"/api/v1/experiments/{id}/observations", Json(observations));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            Assert.Contains($"\"accepted\":{2 * (to - from)}", await posted.Content.ReadAsStringAsync());
            await page.ClickAsync("#analyse-now");
            if (to == 30)
            {
                await Assertions.Expect(page.Locator("#verdict-title")).ToHaveTextAsync("KEEP RUNNING");
                await Assertions.Expect(page.Locator("#verdict-reasons")).ToContainTextAsync("29 more units per variant");
            }
        }

        await Assertions.Expect(page.Locator("#verdict-title")).ToHaveTextAsync("SHIP");
        await Assertions.Expect(page.Locator("#verdict-reasons")).ToContainTextAsync("Primary 'conversion' improved");
        await Assertions.Expect(page.Locator("#srm-status")).ToContainTextAsync("SRM ok");
        await Assertions.Expect(page.Locator("#arm-progress")).ToContainTextAsync("70 / 59");
        await page.Locator("#lift-chart .js-plotly-plot").WaitForAsync();
        await PortalServerFixture.ScreenshotAsync(page, "experiment-results");

        // Export JSON is the same analysis, downloadable.
        var export = await page.APIRequest.GetAsync($"/api/v1/experiments/{id}/export");
        Assert.Equal(200, export.Status);
        Assert.Contains("\"verdict\": \"ship\"", await export.TextAsync());

        await PortalServerFixture.GotoInteractiveAsync(page, "/experiments");
        var row = page.Locator("tr", new() { HasText = id });
        await Assertions.Expect(row).ToContainTextAsync("running");
        await Assertions.Expect(row).ToContainTextAsync("SHIP");
        await PortalServerFixture.ScreenshotAsync(page, "experiments-list");
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
