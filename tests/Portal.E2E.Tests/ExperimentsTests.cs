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
        await page.WaitForURLAsync("**/experiments/new", new() { WaitUntil = WaitUntilState.Commit });
        await PortalServerFixture.WaitForInteractiveAsync(page);
        await page.GetByLabel("Experiment name").FillAsync("Checkout with v2");
        // The id follows the name until edited; a person edits it once it shows (typed into before the server's
        // answer arrived, under load the slug landed mid-fill and the two ran together).
        await Assertions.Expect(page.GetByLabel("Experiment id")).ToHaveValueAsync("checkout-with-v2");
        await page.GetByLabel("Experiment id").FillAsync(id);
        await Assertions.Expect(page.GetByLabel("Experiment id")).ToHaveValueAsync(id);
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
        // New experiments are always valid (confidence sequences); this one is read once, at the planned sample.
        await page.Locator("#analysis-mode .mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Fixed horizon" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Looks")).ToHaveCountAsync(0);
        await PortalServerFixture.ScreenshotAsync(page, "experiment-form");

        await page.ClickAsync("#save-experiment");
        await page.WaitForURLAsync($"**/experiments/{id}", new() { WaitUntil = WaitUntilState.Commit });
        await PortalServerFixture.WaitForInteractiveAsync(page);
        // Starting cannot be undone, so it asks first; Cancel leaves the draft a draft.
        await page.ClickAsync("#start-experiment");
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("cannot be undone");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=experiment-state]").First).ToHaveTextAsync("draft");
        await page.ClickAsync("#start-experiment");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
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
        // 70 units per arm: below the 100 an SRM check needs before it may stop the experiment.
        await Assertions.Expect(page.Locator("#srm-status")).ToContainTextAsync("SRM waiting");
        await Assertions.Expect(page.Locator("#arm-progress")).ToContainTextAsync("70 / 59");
        await page.Locator("#lift-chart .js-plotly-plot").WaitForAsync();
        await PortalServerFixture.ScreenshotAsync(page, "experiment-results");

        // Export JSON is the same analysis, downloadable.
        var export = await page.APIRequest.GetAsync($"/api/v1/experiments/{id}/export");
        Assert.Equal(200, export.Status);
        Assert.Contains("\"verdict\": \"ship\"", await export.TextAsync());

        // Editing the running experiment: split and metrics are locked, with the reason.
        await PortalServerFixture.GotoInteractiveAsync(page, $"/experiments/{id}/edit");
        await Assertions.Expect(page.Locator("#locked-note")).ToContainTextAsync("split, metrics and plan are fixed");
        await Assertions.Expect(page.GetByTestId("arm-0").GetByLabel("Share %")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByLabel("Experiment name")).ToBeEnabledAsync();
        await PortalServerFixture.ScreenshotAsync(page, "experiment-edit-running");

        await PortalServerFixture.GotoInteractiveAsync(page, "/experiments");
        var row = page.Locator("tr", new() { HasText = id });
        await Assertions.Expect(row).ToContainTextAsync("running");
        await Assertions.Expect(row).ToContainTextAsync("SHIP");
        await PortalServerFixture.ScreenshotAsync(page, "experiments-list");
    }

    [Fact]
    public async Task Form_derives_the_id_warns_of_an_a_a_test_and_shows_errors_at_their_field()
    {
        var model = "e2e-one-" + Guid.NewGuid().ToString("N")[..6];
        using var api = portal.CreateHttpClient(portal.ApiKey);
        using (var created = await api.PutAsync($"/api/v1/models/{model}", Json(new { taskType = "binary", versions = new[] { "v1" } })))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, "/experiments/new");
        await page.GetByLabel("Experiment name").FillAsync("Checkout with v2 — EU");
        await Assertions.Expect(page.GetByLabel("Experiment id")).ToHaveValueAsync("checkout-with-v2-eu");

        // A model with one version: both arms serve v1, and the form says so.
        await page.Locator("#model-select .mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = model }).ClickAsync();
        await Assertions.Expect(page.Locator("#aa-warning")).ToContainTextAsync("A/A test");
        await Assertions.Expect(page.Locator("#aa-warning")).ToContainTextAsync("only one version");

        // An alpha out of range is marked at the Alpha field, not only in a list at the bottom.
        await page.GetByLabel("Alpha").FillAsync("0.9");
        await page.ClickAsync("#save-experiment");
        var alpha = page.Locator(".mud-input-control", new() { Has = page.GetByLabel("Alpha") }).First;
        await Assertions.Expect(alpha).ToContainTextAsync("must be between 0 and 0.5");
        await Assertions.Expect(page.Locator("#form-errors")).ToContainTextAsync("marked at");
        await PortalServerFixture.ScreenshotAsync(page, "experiment-form-errors");
    }

    [Fact]
    public async Task Results_page_shows_guardrails_secondary_metrics_sequential_looks_and_the_shadow_comparison()
    {
        var model = "e2e-rich-" + Guid.NewGuid().ToString("N")[..6];
        var id = "rich-" + Guid.NewGuid().ToString("N")[..6];
        using var api = portal.CreateHttpClient(portal.ApiKey);
        using (var created = await api.PutAsync($"/api/v1/models/{model}", Json(new { taskType = "binary", versions = new[] { "v1", "v2", "v3" } })))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var definition = new
        {
            id, name = "Rich results", hypothesis = "v2 converts better without slowing down", model, unitType = "user",
            arms = new object[]
            {
                new { name = "control", modelVersion = "v1", share = 50, control = true },
                new { name = "treatment", modelVersion = "v2", share = 50 },
                new { name = "candidate", modelVersion = "v3", shadow = true },
            },
            metrics = new object[]
            {
                new { name = "checkout", role = "primary", kind = "conversion" },
                new { name = "revenue", role = "secondary", kind = "continuous" },
                new { name = "latency-p99", role = "guardrail", kind = "latencyP99", bound = 200 },
                new { name = "error-rate", role = "guardrail", kind = "errorRate", bound = 0.05 },
            },
            alpha = 0.05, power = 0.8, minimumDetectableEffect = 0.5, baselineValue = 0.5, looks = 5, analysisMode = "groupSequential",
        };
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/v1/experiments", Json(definition))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/experiments/{id}/start", null)).StatusCode);

        var random = new Random(5);
        var predictions = new List<object>();
        for (var i = 0; i < 120; i++)
        {
            var arm = i % 2 == 0 ? "control" : "treatment";
            var score = Math.Round(random.NextDouble(), 3);
            predictions.Add(new { predictionId = $"{id}-{i}", modelVersion = arm == "control" ? "v1" : "v2", prediction = score >= 0.5 ? 1 : 0, score, latencyMs = 40 + random.Next(60), experiment = new { id, variant = arm } });
            var shadowScore = Math.Round(Math.Clamp(score + ((random.NextDouble() - 0.5) * 0.4), 0, 1), 3);
            predictions.Add(new { predictionId = $"{id}-{i}#v3", modelVersion = "v3", prediction = shadowScore >= 0.5 ? 1 : 0, score = shadowScore, latencyMs = 50, experiment = new { id, variant = "candidate" } });
        }

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/models/{model}/predictions", Json(predictions))).StatusCode);
        var labels = Enumerable.Range(0, 80).Select(i => new { predictionId = $"{id}-{i}", label = random.NextDouble() < 0.5 ? 1 : 0 });
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/models/{model}/feedback", Json(labels))).StatusCode);

        // Observations in four steps (information 0.2, 0.3, 0.41, 0.61), analysed after each: looks at 0.2, 0.4 and 0.6.
        var sent = 0;
        foreach (var upTo in new[] { 12, 18, 24, 36 })
        {
            var batch = Enumerable.Range(sent, upTo - sent).SelectMany(i => new object[]
            {
                new { unitId = $"c{i}", variant = "control", value = i % 10 < 4 ? 1 : 0 },
                new { unitId = $"t{i}", variant = "treatment", value = i % 10 < 6 ? 1 : 0 },
                new { unitId = $"c{i}", variant = "control", value = Math.Round(20 + (10 * random.NextDouble()), 2), metric = "revenue", covariate = Math.Round(20 + (10 * random.NextDouble()), 2) },
                new { unitId = $"t{i}", variant = "treatment", value = Math.Round(22 + (10 * random.NextDouble()), 2), metric = "revenue", covariate = Math.Round(20 + (10 * random.NextDouble()), 2) },
            });
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/experiments/{id}/observations", Json(batch))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/experiments/{id}/analyses", null)).StatusCode);
            sent = upTo;
        }

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, $"/experiments/{id}");
        await Assertions.Expect(page.Locator("#verdict-title")).ToHaveTextAsync("KEEP RUNNING");
        await Assertions.Expect(page.Locator("#guardrails")).ToContainTextAsync("latency-p99");
        await Assertions.Expect(page.Locator("#metrics-table")).ToContainTextAsync("revenue");
        await Assertions.Expect(page.Locator("#shadow")).ToContainTextAsync("candidate (v3)");
        await page.Locator("#sequential-chart .js-plotly-plot").WaitForAsync();
        await page.Locator("#lift-chart .js-plotly-plot").WaitForAsync();
        await PortalServerFixture.ScreenshotAsync(page, "experiment-results-rich");
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
