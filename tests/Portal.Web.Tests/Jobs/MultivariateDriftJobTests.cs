using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Drift;
using Portal.Data;
using Portal.Data.Entities.Alerting;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Jobs.JobsTestData;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Features.Models;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Tests.Jobs;

/// <summary>
/// Multivariate drift (PCA reconstruction error, MMD) and Benjamini–Hochberg through the real drift job. Two numerical
/// features x and y take the same evenly spread values in the reference and in the window, so every univariate test
/// sees identical marginals; only how x and y are paired (correlated or not) differs.
/// </summary>
public sealed class MultivariateDriftJobTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly object[] TwoFeatures =
    [
        new { name = "x", type = "numerical", importance = 0.5 },
        new { name = "y", type = "numerical", importance = 0.5 },
    ];

    private readonly HttpClient client = factory.CreateApiClient();

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    /// <summary>
    /// n rows of Grid(n, 1) for x and for y. Correlated: y is x's value shuffled only within blocks of n/20 neighbours
    /// (ρ ≈ 0.997); independent: y is shuffled over all rows (ρ ≈ 0). Rows are then put in a random order.
    /// </summary>
    private static (double[] X, double[] Y) Pairs(int n, bool correlated, int seed)
    {
        var random = new Random(seed);
        var x = Grid(n, 1);
        var y = x.ToArray();
        var block = correlated ? n / 20 : n;
        for (var start = 0; start < n; start += block)
        {
            random.Shuffle(y.AsSpan(start, Math.Min(block, n - start)));
        }

        var order = Enumerable.Range(0, n).ToArray();
        random.Shuffle(order);
        return (order.Select(i => x[i]).ToArray(), order.Select(i => y[i]).ToArray());
    }

    private async Task<string> CorrelatedModelAsync(bool correlatedWindow)
    {
        var model = await NewModelAsync(client, features: TwoFeatures);
        var (rx, ry) = Pairs(2000, correlated: true, seed: 1);
        using (var response = await client.PutAsJsonAsync($"/api/v1/models/{model}/reference", new { columns = new Dictionary<string, object> { ["x"] = rx, ["y"] = ry } }))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        var (cx, cy) = Pairs(600, correlatedWindow, seed: 2);
        var step = TimeSpan.FromMinutes(50) / cx.Length;
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", cx.Select((x, i) => new System.Text.Json.Nodes.JsonObject
        {
            ["predictionId"] = $"c-{i}",
            ["timestamp"] = Ingestion.IngestionApi.Iso(Now.AddMinutes(-55) + (step * i)),
            ["features"] = new System.Text.Json.Nodes.JsonObject { ["x"] = x, ["y"] = cy[i] },
            ["prediction"] = x > 0.5 ? 1 : 0,
            ["score"] = x,
        }));
        return model;
    }

    private Task RunDriftAsync(string model) => RunAsync<DriftJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

    [Fact]
    public async Task A_correlation_change_that_every_feature_test_misses_is_found_by_pca_and_mmd()
    {
        var model = await CorrelatedModelAsync(correlatedWindow: false);

        await RunDriftAsync(model);

        var run = await LatestDriftRunAsync(factory, model);
        Assert.True(run.HasVerdict);
        Assert.All(run.FeatureResults, f => Assert.False(f.Drifted, $"{f.Feature} drifted by {f.Test}: {f.Score}"));
        Assert.False(run.DatasetDrift);
        Assert.Equal(0, run.DriftedFeatures);

        Assert.True(run.PcaDrift, run.MultivariateMessage);
        Assert.True(run.PcaReconstructionError > run.PcaBandUpper, $"{run.PcaReconstructionError} vs band {run.PcaBandLower}–{run.PcaBandUpper}");
        Assert.Equal(1, run.PcaComponents); // x and y move together in the reference: one axis explains > 65 %
        Assert.True(run.MmdDrift);
        Assert.True(run.MmdPValue < 0.05, $"MMD p = {run.MmdPValue}");
        Assert.True(run.MmdStatistic > 0);
        Assert.Contains("0 of 600 window rows and 0 of 2,000 reference rows dropped for a missing value", run.MultivariateMessage);

        var latest = await GetJsonAsync(client, $"/api/v1/models/{model}/drift/runs/latest");
        Assert.Equal(run.PcaReconstructionError!.Value, latest["pcaReconstructionError"]!.GetValue<double>(), 12);
        Assert.Equal(run.PcaBandLower!.Value, latest["pcaBandLower"]!.GetValue<double>(), 12);
        Assert.Equal(run.PcaBandUpper!.Value, latest["pcaBandUpper"]!.GetValue<double>(), 12);
        Assert.True(latest["pcaDrift"]!.GetValue<bool>());
        Assert.Equal(run.MmdStatistic!.Value, latest["mmdStatistic"]!.GetValue<double>(), 12);
        Assert.Equal(run.MmdPValue!.Value, latest["mmdPValue"]!.GetValue<double>(), 12);
        Assert.True(latest["mmdDrift"]!.GetValue<bool>());
        Assert.Equal("none", latest["multipleTesting"]!.GetValue<string>());

        var header = await factory.WithServiceAsync<ModelDirectory, ModelHeader?>(d => d.FindAsync(model));
        var view = await factory.WithServiceAsync<Portal.Web.Features.Drift.MultivariateDriftDashboard, Portal.Web.Features.Drift.MultivariateDriftView>(
            d => d.LoadAsync(header!, DashboardWindow.Default, null));
        Assert.Equal(2, view.NumericalReferenceFeatures);
        Assert.Equal(run.MmdPValue, Assert.Single(view.Points).MmdPValue);
        Assert.Equal(run.PcaReconstructionError, view.Latest!.Error);

        var job = await LatestJobRunAsync(factory, model, DriftJob.JobType);
        Assert.Contains("multivariate: PCA error", job.Summary);
        Assert.Contains("outside the band", job.Summary);
    }

    [Fact]
    public async Task Same_joint_distribution_stays_within_the_band_and_mmd_finds_nothing()
    {
        var model = await CorrelatedModelAsync(correlatedWindow: true);

        await RunDriftAsync(model);

        var run = await LatestDriftRunAsync(factory, model);
        Assert.False(run.PcaDrift, $"{run.PcaReconstructionError} vs band {run.PcaBandLower}–{run.PcaBandUpper}");
        Assert.InRange(run.PcaReconstructionError!.Value, run.PcaBandLower!.Value, run.PcaBandUpper!.Value);
        Assert.False(run.MmdDrift);
        Assert.True(run.MmdPValue >= 0.05, $"MMD p = {run.MmdPValue}");
    }

    [Fact]
    public async Task Rows_with_a_missing_value_are_dropped_and_counted_and_one_numerical_feature_is_not_enough()
    {
        var model = await NewModelAsync(client); // amount, country, noise: two numerical features
        await UploadReferenceAsync(client, model, Shuffled(Grid(2000, 100), 1), Shuffled(Grid(2000, 1), 2));
        var items = Enumerable.Range(0, 300).Select(i => new System.Text.Json.Nodes.JsonObject
        {
            ["predictionId"] = $"m-{i}",
            ["timestamp"] = Ingestion.IngestionApi.Iso(Now.AddMinutes(-30)),
            ["features"] = new System.Text.Json.Nodes.JsonObject { ["amount"] = i % 100, ["country"] = "DE", ["noise"] = i < 40 ? null : (i % 10) / 10.0 },
            ["prediction"] = 1,
        });
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", items);

        await RunDriftAsync(model);

        var run = await LatestDriftRunAsync(factory, model);
        Assert.NotNull(run.PcaReconstructionError);
        Assert.Contains("40 of 300 window rows", run.MultivariateMessage);

        var single = await NewModelAsync(client, features: [new { name = "x", type = "numerical" }, new { name = "c", type = "categorical" }]);
        await PostItemsAsync(client, $"/api/v1/models/{single}/predictions", Enumerable.Range(0, 150).Select(i => new System.Text.Json.Nodes.JsonObject
        {
            ["predictionId"] = $"s-{i}", ["timestamp"] = Ingestion.IngestionApi.Iso(Now.AddMinutes(-30)),
            ["features"] = new System.Text.Json.Nodes.JsonObject { ["x"] = i, ["c"] = "a" }, ["prediction"] = 1,
        }));
        using (var response = await client.PutAsJsonAsync($"/api/v1/models/{single}/reference", new { columns = new Dictionary<string, object> { ["x"] = Grid(200, 150), ["c"] = Enumerable.Repeat("a", 200).ToArray() } }))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await RunDriftAsync(single);
        var none = await LatestDriftRunAsync(factory, single);
        Assert.Null(none.PcaReconstructionError);
        Assert.Null(none.MmdPValue);
        Assert.Equal("not computed: needs at least two numerical features in both the schema and the reference; found 1", none.MultivariateMessage);
    }

    [Fact]
    public async Task Benjamini_hochberg_drifts_fewer_features_than_raw_p_values_and_leaves_distance_tests_alone()
    {
        // Six ks features: one shifted clearly, two a little (raw p just under 0.05), three not at all; one wasserstein feature shifted a lot.
        var features = Enumerable.Range(1, 6).Select(i => (object)new { name = $"f{i}", type = "numerical", importance = 0.1 })
            .Append(new { name = "w", type = "numerical", importance = 0.4 }).ToArray();
        var model = await NewModelAsync(client, features: features);
        double[] shifts = [0.1, 0.066, 0.064, 0, 0, 0];
        var reference = new Dictionary<string, object>();
        for (var f = 0; f < 6; f++)
        {
            reference[$"f{f + 1}"] = Shuffled(Grid(2000, 1), 10 + f);
        }

        reference["w"] = Shuffled(Grid(2000, 1), 20);
        using (var response = await client.PutAsJsonAsync($"/api/v1/models/{model}/reference", new { columns = reference }))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var current = Enumerable.Range(0, 6).Select(f => Shuffled(Grid(600, 1, shifts[f]), 30 + f)).ToArray();
        var w = Shuffled(Grid(600, 1, 0.5), 40);
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", Enumerable.Range(0, 600).Select(i =>
        {
            var values = new System.Text.Json.Nodes.JsonObject { ["w"] = w[i] };
            for (var f = 0; f < 6; f++)
            {
                values[$"f{f + 1}"] = current[f][i];
            }

            return new System.Text.Json.Nodes.JsonObject
            {
                ["predictionId"] = $"b-{i}", ["timestamp"] = Ingestion.IngestionApi.Iso(Now.AddMinutes(-50) + TimeSpan.FromSeconds(4 * i)),
                ["features"] = values, ["prediction"] = 1,
            };
        }));
        var ks = Enumerable.Range(1, 6).ToDictionary(f => $"f{f}", _ => (object)new { test = "ks" });

        await PutDriftSettingsAsync(client, model, new { features = ks });
        await RunDriftAsync(model);
        var raw = await LatestDriftRunAsync(factory, model);

        await PutDriftSettingsAsync(client, model, new { features = ks, benjaminiHochberg = true });
        await RunDriftAsync(model);
        var adjusted = await LatestDriftRunAsync(factory, model);

        var rawKs = raw.FeatureResults.Where(f => f.Test == "ks").OrderBy(f => f.Feature).ToList();
        var rawDrifted = rawKs.Count(f => f.Drifted);
        Assert.True(rawDrifted >= 2, string.Join(", ", rawKs.Select(f => $"{f.Feature} p={f.Score}")));
        Assert.All(rawKs, f => Assert.Null(f.AdjustedPValue));
        Assert.False(raw.BenjaminiHochberg);

        var expected = MultipleTesting.BenjaminiHochberg(rawKs.Select(f => f.Score!.Value).ToList());
        var bhKs = adjusted.FeatureResults.Where(f => f.Test == "ks").OrderBy(f => f.Feature).ToList();
        Assert.True(adjusted.BenjaminiHochberg);
        for (var i = 0; i < bhKs.Count; i++)
        {
            Assert.Equal(rawKs[i].Score!.Value, bhKs[i].Score!.Value, 12); // the raw p-value is kept …
            Assert.Equal(expected[i], bhKs[i].AdjustedPValue!.Value, 12); // … next to the adjusted one
            Assert.Equal(expected[i] <= 0.05, bhKs[i].Drifted); // ks: drift when p ≤ threshold, as without the adjustment
        }

        var bhDrifted = bhKs.Count(f => f.Drifted);
        Assert.True(bhDrifted < rawDrifted, $"BH drifted {bhDrifted}, raw {rawDrifted}: " + string.Join(", ", bhKs.Select(f => $"{f.Feature} p={f.Score} adj={f.AdjustedPValue}")));

        // The distance test is not adjusted and keeps its decision; the drifted counts follow the decisions.
        var rawW = raw.FeatureResults.Single(f => f.Feature == "w");
        var bhW = adjusted.FeatureResults.Single(f => f.Feature == "w");
        Assert.Equal("wasserstein", bhW.Test);
        Assert.Null(bhW.AdjustedPValue);
        Assert.True(rawW.Drifted);
        Assert.True(bhW.Drifted);
        Assert.Equal(rawDrifted + 1, raw.DriftedFeatures);
        Assert.Equal(bhDrifted + 1, adjusted.DriftedFeatures);
        Assert.Equal((bhDrifted + 1) / 7.0, adjusted.DriftShare, 12);

        var json = await GetJsonAsync(client, $"/api/v1/models/{model}/drift/runs/latest");
        Assert.Equal(DriftRunDto.BenjaminiHochbergName, json["multipleTesting"]!.GetValue<string>());
        var f1 = json["featureResults"]!.AsArray().Single(f => f!["feature"]!.GetValue<string>() == "f1")!;
        Assert.Equal(expected[0], f1["adjustedPValue"]!.GetValue<double>(), 12);
    }

    [Fact]
    public async Task Benjamini_hochberg_setting_is_validated_and_audited()
    {
        var model = await NewModelAsync(client, features: TwoFeatures);

        var (status, problem) = await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/drift/settings", new { benjaminiHochberg = "yes" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("benjaminiHochberg", problem.ToJsonString());

        await PutDriftSettingsAsync(client, model, new { benjaminiHochberg = true });
        var settings = await GetJsonAsync(client, $"/api/v1/models/{model}/drift/settings");
        Assert.True(settings["benjaminiHochberg"]!.GetValue<bool>());

        var audit = await factory.WithServiceAsync<PortalDbContext, Portal.Data.Audit.AuditEntry>(db =>
            db.AuditEntries.AsNoTracking().Where(a => a.EntityType == DriftSettingsService.EntityType && a.EntityId == model).OrderByDescending(a => a.Id).FirstAsync());
        Assert.Contains("\"benjaminiHochberg\":false", audit.Before);
        Assert.Contains("\"benjaminiHochberg\":true", audit.After);
    }

    [Fact]
    public async Task Alert_rule_on_the_mmd_p_value_fires_after_a_correlation_change_and_previews()
    {
        var model = await CorrelatedModelAsync(correlatedWindow: false);
        await RunDriftAsync(model);
        var run = await LatestDriftRunAsync(factory, model);

        // The preview and the evaluation look at whole minutes up to now: put the run a few minutes in the past.
        var at = DateTime.UtcNow.AddMinutes(-5);
        await factory.WithServiceAsync<PortalDbContext, int>(db => db.DriftRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.At, at)));

        var form = new AlertRuleForm
        {
            Name = "JointDistributionChanged", Model = model, Metric = AlertMetric.MmdPValue, Comparator = Portal.Analysis.Alerting.Comparator.LessThan,
            Threshold = 0.05, Window = "2h", For = "0s", KeepFiringFor = "0s", RepeatInterval = "4h",
        };
        Assert.Empty((await factory.WithServiceAsync<AlertRuleService, ValidationProblems>(s => s.ValidateAsync(form))).Paths);
        var preview = await factory.WithServiceAsync<AlertRuleService, RulePreview>(s => s.PreviewAsync(form));
        Assert.Contains(preview.Models.Single().Series, p => p.Value is { } v && Math.Abs(v - run.MmdPValue!.Value) < 1e-12);
        Assert.True(preview.TimesFired >= 1, preview.Summary);

        var rule = await factory.WithServiceAsync<AlertRuleService, AlertRuleEntity>(s => s.SaveAsync(form));
        await factory.WithServiceAsync<AlertEvaluator, EvaluationSummary>(e => e.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));

        var alert = await factory.WithServiceAsync<PortalDbContext, AlertRecord>(db => db.Alerts.AsNoTracking().SingleAsync(a => a.RuleId == rule.Id));
        Assert.Equal("Firing", alert.State);
        Assert.Equal(run.MmdPValue!.Value, alert.LastValue!.Value, 12);
        Assert.Equal("multivariate drift: MMD p-value", AlertRuleService.MetricName(AlertMetric.MmdPValue));
        Assert.Equal("multivariate drift: PCA reconstruction error", AlertRuleService.MetricName(AlertMetric.PcaReconstructionError));
    }
}
