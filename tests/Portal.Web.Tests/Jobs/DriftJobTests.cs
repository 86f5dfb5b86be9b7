using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Jobs.JobsTestData;

namespace Portal.Web.Tests.Jobs;

/// <summary>
/// The drift job on seeded data with a known injected shift: reference of 2,000 rows (amount and noise evenly spread,
/// countries alternating) against 600 predictions of the last hour.
/// </summary>
public sealed class DriftJobTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private readonly HttpClient client = factory.CreateApiClient();

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private async Task<string> SeededModelAsync(double amountShift, double noiseShift, int currentRows = 600, bool reference = true)
    {
        var model = await NewModelAsync(client);
        if (reference)
        {
            await UploadReferenceAsync(client, model, Shuffled(Grid(2000, 100), 1), Shuffled(Grid(2000, 1), 2));
        }

        await PostFeaturePredictionsAsync(client, model, Shuffled(Grid(currentRows, 100, amountShift), 3), Shuffled(Grid(currentRows, 1, noiseShift), 4),
            Now.AddMinutes(-55), Now.AddMinutes(-2), "cur");
        return model;
    }

    private Task RunDriftAsync(string model) => RunAsync<DriftJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

    [Fact]
    public async Task Shift_in_an_important_feature_is_a_critical_dataset_drift()
    {
        var model = await SeededModelAsync(amountShift: 30, noiseShift: 0);

        await RunDriftAsync(model);

        var run = await LatestDriftRunAsync(factory, model);
        Assert.True(run.HasVerdict);
        Assert.True(run.DatasetDrift);
        Assert.Equal(DriftSeverity.Critical, run.Severity);
        Assert.Equal("reference v1", run.Baseline);
        Assert.Equal(600, run.CurrentCount);
        Assert.Equal(1, run.DriftedFeatures);
        Assert.Equal(0.6, run.WeightedDriftShare, 9);

        var amount = run.FeatureResults.Single(f => f.Feature == "amount");
        Assert.True(amount.Drifted);
        Assert.Equal(DriftSeverity.Critical, amount.Severity);
        Assert.Equal("wasserstein", amount.Test); // automatic choice for a large numerical reference
        Assert.Equal(0.6, amount.Importance);
        Assert.All(run.FeatureResults.Where(f => f.Feature != "amount"), f => Assert.False(f.Drifted, $"{f.Feature} drifted: {f.Score}"));

        var job = await LatestJobRunAsync(factory, model, DriftJob.JobType);
        Assert.Equal(JobOutcome.Succeeded, job.Outcome);
        Assert.Contains("1 of 3 features drifted", job.Summary);
    }

    [Fact]
    public async Task Configured_ks_maps_a_moderate_shift_to_warning()
    {
        var model = await SeededModelAsync(amountShift: 18, noiseShift: 0);
        await PutDriftSettingsAsync(client, model, new { features = new { amount = new { test = "ks" } } });

        await RunDriftAsync(model);

        var run = await LatestDriftRunAsync(factory, model);
        var amount = run.FeatureResults.Single(f => f.Feature == "amount");
        Assert.Equal("ks", amount.Test);
        Assert.True(amount.Drifted);
        Assert.Contains("\"statistic\":0.18", amount.ResultsJson); // KS distance of the grids: the shift / width
        Assert.Equal(DriftSeverity.Warning, amount.Severity); // 0.15 ≤ 0.18 < 0.25
        Assert.Equal(DriftSeverity.Warning, run.Severity);
        Assert.True(run.DatasetDrift);
    }

    [Fact]
    public async Task An_unimportant_feature_drifting_alone_does_not_warn()
    {
        var model = await SeededModelAsync(amountShift: 0, noiseShift: 0.5);

        await RunDriftAsync(model);

        var run = await LatestDriftRunAsync(factory, model);
        var noise = run.FeatureResults.Single(f => f.Feature == "noise");
        Assert.True(noise.Drifted);
        Assert.Equal(DriftSeverity.Critical, noise.Severity); // the feature itself drifted a lot …
        Assert.Equal(DriftSeverity.Info, run.Severity); // … but carries 20 % of the importance, below the 50 % drift share
        Assert.False(run.DatasetDrift);
        Assert.Equal(0.2, run.WeightedDriftShare, 9);
    }

    [Fact]
    public async Task Below_the_minimum_sample_size_there_is_no_verdict()
    {
        var model = await SeededModelAsync(amountShift: 30, noiseShift: 0, currentRows: 40);

        await RunDriftAsync(model);

        var run = await LatestDriftRunAsync(factory, model);
        Assert.False(run.HasVerdict);
        Assert.False(run.DatasetDrift);
        Assert.Equal(DriftSeverity.None, run.Severity);
        Assert.Empty(run.FeatureResults);
        Assert.Equal(40, run.CurrentCount);
        Assert.Contains("not enough data: 40 predictions", run.Message);
        Assert.StartsWith("not computed: not enough data: 40 predictions", run.MultivariateMessage);
        var job = await LatestJobRunAsync(factory, model, DriftJob.JobType);
        Assert.Equal(JobOutcome.NotEnoughData, job.Outcome);
    }

    [Fact]
    public async Task Without_a_reference_the_previous_window_is_the_baseline()
    {
        var model = await SeededModelAsync(amountShift: 30, noiseShift: 0, currentRows: 300, reference: false);
        await PostFeaturePredictionsAsync(client, model, Shuffled(Grid(300, 100), 5), Shuffled(Grid(300, 1), 6), Now.AddMinutes(-115), Now.AddMinutes(-65), "prev");

        await RunDriftAsync(model);

        var run = await LatestDriftRunAsync(factory, model);
        Assert.StartsWith("previous window ", run.Baseline);
        Assert.EndsWith("/1h", run.Baseline);
        Assert.True(run.HasVerdict);
        var amount = run.FeatureResults.Single(f => f.Feature == "amount");
        Assert.True(amount.Drifted);
        Assert.Equal("ks", amount.Test); // 300 baseline rows: automatic choice is ks
        Assert.Equal(300, amount.ReferenceCount);
        Assert.Equal(DriftSeverity.Critical, run.Severity);
        Assert.NotNull(run.PredictionPsi);
    }

    [Fact]
    public async Task Target_drift_is_the_psi_of_the_window_labels_against_the_reference_labels()
    {
        var model = await NewModelAsync(client);
        var amount = Shuffled(Grid(2000, 100), 1);
        using (var response = await client.PutAsJsonAsync($"/api/v1/models/{model}/reference", new
        {
            columns = new Dictionary<string, object>
            {
                ["amount"] = amount, ["country"] = amount.Select((_, i) => i % 2 == 0 ? "DE" : "FR"), ["noise"] = Shuffled(Grid(2000, 1), 2),
                ["label"] = amount.Select((_, i) => i % 2), // half 0, half 1
            },
        }))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        await PostFeaturePredictionsAsync(client, model, Shuffled(Grid(600, 100), 3), Shuffled(Grid(600, 1), 4), Now.AddMinutes(-55), Now.AddMinutes(-2), "cur");
        // 80 % of the window's labels are 1 (and its predictions say something else again, a = amount > 50).
        await PostItemsAsync(client, $"/api/v1/models/{model}/feedback", Enumerable.Range(0, 600).Select(i =>
            new System.Text.Json.Nodes.JsonObject { ["predictionId"] = $"cur-{i}", ["label"] = i % 5 == 0 ? 0 : 1 }));
        await Eventually.PollAsync(() => LabelledAsync(model), n => n == 600);

        await RunDriftAsync(model);

        // PSI = Σ (c − r)·ln(c / r) over the label shares: (0.2 − 0.5)·ln(0.2 / 0.5) + (0.8 − 0.5)·ln(0.8 / 0.5) = 0.3·ln 4.
        var run = await LatestDriftRunAsync(factory, model);
        Assert.NotNull(run.TargetPsi);
        Assert.Equal(0.3 * Math.Log(4), run.TargetPsi.Value, 9);
        Assert.NotEqual(run.TargetPsi, run.PredictionPsi);
    }

    private Task<int> LabelledAsync(string model) => factory.WithServiceAsync<Portal.Data.PortalDbContext, int>(async db =>
    {
        var id = await db.Models.Where(m => m.Name == model).Select(m => m.Id).SingleAsync();
        return await db.FeedbackLabels.CountAsync(f => f.ModelId == id);
    });

    [Fact]
    public async Task Data_quality_and_schema_violations_come_with_the_run()
    {
        var model = await NewModelAsync(client);
        await UploadReferenceAsync(client, model, Grid(500, 100), Grid(500, 1));
        var items = Enumerable.Range(0, 200).Select(i => new System.Text.Json.Nodes.JsonObject
        {
            ["predictionId"] = $"q-{i}",
            ["timestamp"] = Ingestion.IngestionApi.Iso(Now.AddMinutes(-30)),
            ["features"] = new System.Text.Json.Nodes.JsonObject
            {
                ["amount"] = i < 20 ? 5000 : i,          // 20 out of range
                ["country"] = i < 10 ? "XX" : "DE",      // 10 new categories
                ["noise"] = i < 50 ? null : 0.5,         // 50 missing
                ["extra"] = 1,                           // not in the schema
            },
            ["prediction"] = 1,
        });
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", items);

        await RunDriftAsync(model);

        var run = await LatestDriftRunAsync(factory, model);
        Assert.Equal(200, run.SchemaViolations);
        var latest = await GetJsonAsync(client, $"/api/v1/models/{model}/drift/runs/latest");
        var quality = latest["dataQuality"]!.AsArray().ToDictionary(q => q!["feature"]!.GetValue<string>());
        Assert.Equal(20, quality["amount"]!["outOfRange"]!.GetValue<long>());
        Assert.Equal(10, quality["country"]!["newCategories"]!.GetValue<long>());
        // DE, FR and the new XX against 500 reference rows: the automatic choice is the two-sample χ² test of homogeneity.
        var country = run.FeatureResults.Single(f => f.Feature == "country");
        Assert.Equal("chi2_contingency", country.Test);
        Assert.True(country.Drifted);
        Assert.Equal(50, quality["noise"]!["missing"]!.GetValue<long>());
        Assert.Equal(0.25, quality["noise"]!["missingRate"]!.GetValue<double>(), 9);
        Assert.Equal(50, run.FeatureResults.Single(f => f.Feature == "noise").CurrentMissing);
    }

    [Fact]
    public async Task Runs_are_listed_newest_first_and_run_now_needs_an_engineer()
    {
        var model = await SeededModelAsync(amountShift: 30, noiseShift: 0);
        await RunDriftAsync(model);
        await RunDriftAsync(model);

        var runs = (await GetJsonAsync(client, $"/api/v1/models/{model}/drift/runs?take=1")).AsArray();
        Assert.Single(runs);
        Assert.Equal("critical", runs[0]!["severity"]!.GetValue<string>());
        Assert.Equal("amount", runs[0]!["featureResults"]![0]!["feature"]!.GetValue<string>());

        var viewer = await factory.SignInAsync("Viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/v1/models/{model}/drift/run", null)).StatusCode);
        var otherKey = factory.CreateApiClient(PortalFactory.ScopedKey("someone-else"));
        Assert.Equal(HttpStatusCode.Forbidden, (await otherKey.GetAsync($"/api/v1/models/{model}/drift/runs")).StatusCode);
        var ownKey = factory.CreateApiClient(PortalFactory.ScopedKey(model));
        Assert.Equal(HttpStatusCode.OK, (await ownKey.GetAsync($"/api/v1/models/{model}/drift/runs/latest")).StatusCode);

        var (status, body) = await SendJsonAsync(client, HttpMethod.Post, $"/api/v1/models/{model}/drift/run", new { });
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.False(string.IsNullOrEmpty(body["jobId"]!.GetValue<string>()));
    }
}
