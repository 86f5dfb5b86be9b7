using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Fairness;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Features.Fairness;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using static Portal.Web.Tests.Jobs.JobsTestData;
using Portal.Web.Features.Admin.Audit;

namespace Portal.Web.Tests.Fairness;

/// <summary>The fairness job on seeded labels (checked against FairnessAnalysis on the same rows), its settings and its REST API.</summary>
public sealed class FairnessJobTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly object[] Features =
    [
        new { name = "amount", type = "numerical", min = 0, max = 1000, importance = 0.6 },
        new { name = "sex", type = "categorical", categories = new[] { "A", "B", "C" }, importance = 0.1 },
    ];

    private readonly HttpClient client = factory.CreateApiClient();

    private sealed record Seeded(string? Sex, int Prediction, int Label);

    /// <summary>
    /// A: 100 rows, half predicted positive, 10 wrong (accuracy 0.9); B: 100 rows, 30 predicted positive, 15 wrong
    /// (0.85); C: 10 rows (below the minimum group size 30); one row without the attribute. Selection-rate ratio
    /// 0.3 / 0.5 = 0.6 (flagged), accuracy ratio 0.85 / 0.9 ≈ 0.94 (not flagged).
    /// </summary>
    private static List<Seeded> KnownRows()
    {
        var rows = new List<Seeded>();
        for (var i = 0; i < 100; i++)
        {
            var prediction = i < 50 ? 1 : 0;
            rows.Add(new Seeded("A", prediction, i is < 5 or (>= 50 and < 55) ? 1 - prediction : prediction));
        }

        for (var i = 0; i < 100; i++)
        {
            var prediction = i < 30 ? 1 : 0;
            rows.Add(new Seeded("B", prediction, i is < 7 or (>= 30 and < 38) ? 1 - prediction : prediction));
        }

        rows.AddRange(Enumerable.Range(0, 10).Select(i => new Seeded("C", i < 9 ? 1 : 0, 1)));
        rows.Add(new Seeded(null, 1, 1));
        return rows;
    }

    private async Task<string> SeedAsync(IReadOnlyList<Seeded> rows, bool labelAll = true)
    {
        var model = "f-" + Guid.NewGuid().ToString("N")[..10];
        await CreateModelAsync(client, model, "binary", Features);
        var start = DateTimeOffset.UtcNow.AddMinutes(-40);
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", rows.Select((r, i) =>
        {
            var features = new JsonObject { ["amount"] = 10 + i };
            if (r.Sex is not null)
            {
                features["sex"] = r.Sex;
            }

            return new JsonObject { ["predictionId"] = $"p{i}", ["timestamp"] = Iso(start.AddSeconds(i * 5)), ["prediction"] = r.Prediction, ["score"] = r.Prediction == 1 ? 0.8 : 0.2, ["features"] = features };
        }));
        if (labelAll)
        {
            await PostItemsAsync(client, $"/api/v1/models/{model}/feedback", rows.Select((r, i) => new JsonObject { ["predictionId"] = $"p{i}", ["label"] = r.Label }));
        }

        return model;
    }

    private async Task<(List<FairnessGroupResult> Groups, List<FairnessDisparityResult> Disparities)> ResultsAsync(string model)
    {
        var id = await ModelIdAsync(factory, model);
        var groups = await factory.WithServiceAsync<PortalDbContext, List<FairnessGroupResult>>(db => db.FairnessGroupResults.AsNoTracking().Where(r => r.ModelId == id).ToListAsync());
        var disparities = await factory.WithServiceAsync<PortalDbContext, List<FairnessDisparityResult>>(db => db.FairnessDisparityResults.AsNoTracking().Where(r => r.ModelId == id).ToListAsync());
        return (groups, disparities);
    }

    [Fact]
    public async Task Job_stores_groups_and_disparities_matching_FairnessAnalysis_and_flags_only_ratios_below_the_threshold()
    {
        var rows = KnownRows();
        var model = await SeedAsync(rows);
        var (status, _) = await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/fairness/settings", new { attributes = new[] { "sex" } });
        Assert.Equal(HttpStatusCode.OK, status);

        await RunAsync<FairnessJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

        var run = await LatestJobRunAsync(factory, model, FairnessJob.JobType);
        Assert.Equal(JobOutcome.Succeeded, run.Outcome);
        Assert.Contains("flagged: sex selectionRate 0.6", run.Summary);

        var expected = FairnessAnalysis.Evaluate(rows.Select(r => r.Sex).ToList(), rows.Select(r => r.Label).ToList(), rows.Select(r => r.Prediction).ToList());
        var (groups, disparities) = await ResultsAsync(model);
        foreach (var window in new[] { "1h", "1d", "7d" })
        {
            var stored = groups.Where(g => g.Window == JobWindows.Parse(window)).OrderBy(g => g.Group, StringComparer.Ordinal).ToList();
            Assert.Equal(expected.Groups.Select(g => g.Group), stored.Select(g => g.Group));
            foreach (var (e, s) in expected.Groups.Zip(stored))
            {
                Assert.Equal(e.Count, s.Count);
                Assert.Equal(e.IncludedInRatios, s.IncludedInRatios);
                Assert.Equal(e.Accuracy, s.Accuracy, 12);
                Assert.Equal(e.SelectionRate, s.SelectionRate, 12);
                Assert.Equal(double.IsNaN(e.FalsePositiveRate) ? null : e.FalsePositiveRate, s.FalsePositiveRate);
            }

            foreach (var e in expected.Disparities)
            {
                var s = disparities.Single(d => d.Window == JobWindows.Parse(window) && d.Metric == e.Metric);
                Assert.Equal(e.Ratio, s.Ratio);
                Assert.Equal(e.LowestGroup, s.LowestGroup);
                Assert.Equal(e.Flagged, s.Flagged);
            }
        }

        var selection = disparities.Single(d => d.Window == JobWindow.Day && d.Metric == "selectionRate");
        Assert.Equal(0.6, selection.Ratio!.Value, 12);
        Assert.True(selection.Flagged);
        Assert.Equal(("B", "A"), (selection.LowestGroup, selection.HighestGroup));
        var accuracy = disparities.Single(d => d.Window == JobWindow.Day && d.Metric == "accuracy");
        Assert.Equal(0.85 / 0.9, accuracy.Ratio!.Value, 12);
        Assert.False(accuracy.Flagged);

        // Small groups are stored and shown, never compared: C (10 rows, selection rate 0.9) and the missing value.
        var small = groups.Where(g => g.Window == JobWindow.Day && !g.IncludedInRatios).Select(g => (g.Group, g.Count)).OrderBy(g => g.Group).ToList();
        Assert.Equal([(FairnessAnalysis.MissingGroup, 1), ("C", 10)], small);
    }

    [Fact]
    public async Task A_larger_minimum_group_size_leaves_too_few_groups_to_compare_and_nothing_is_flagged()
    {
        var model = await SeedAsync(KnownRows());
        await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/fairness/settings", new { attributes = new[] { "sex" }, minGroupSize = 101 });

        await RunAsync<FairnessJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

        var (groups, disparities) = await ResultsAsync(model);
        Assert.All(groups, g => Assert.False(g.IncludedInRatios));
        Assert.All(disparities, d => Assert.Null(d.Ratio));
        Assert.All(disparities, d => Assert.False(d.Flagged));
    }

    [Fact]
    public async Task Without_labels_or_for_a_regression_model_the_run_says_why_and_stores_nothing()
    {
        var unlabelled = await SeedAsync(KnownRows(), labelAll: false);
        await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{unlabelled}/fairness/settings", new { attributes = new[] { "sex" } });
        await RunAsync<FairnessJob>(factory, unlabelled, (job, id) => job.RunAsync(id, null, CancellationToken.None));
        var run = await LatestJobRunAsync(factory, unlabelled, FairnessJob.JobType);
        Assert.Equal(JobOutcome.NotEnoughData, run.Outcome);
        Assert.Contains("no labelled predictions", run.Summary);
        Assert.Empty((await ResultsAsync(unlabelled)).Groups);

        var regression = await NewModelAsync(client, taskType: "regression", features: []);
        await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{regression}/fairness/settings", new { attributes = new[] { "sex" } });
        await RunAsync<FairnessJob>(factory, regression, (job, id) => job.RunAsync(id, null, CancellationToken.None));
        Assert.Equal("not supported: fairness needs a binary classifier (predictions and labels 0/1); this model is regression",
            (await LatestJobRunAsync(factory, regression, FairnessJob.JobType)).Summary);
        var answer = await GetJsonAsync(client, $"/api/v1/models/{regression}/fairness");
        Assert.StartsWith("not supported", answer["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rest_answers_groups_and_disparities_with_camel_case_names()
    {
        var model = await SeedAsync(KnownRows());
        await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/fairness/settings", new { attributes = new[] { "sex" } });
        await RunAsync<FairnessJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

        var viewer = await factory.SignInAsync("Viewer");
        var answer = await GetJsonAsync(viewer, $"/api/v1/models/{model}/fairness?window=1d");
        Assert.Equal("1d", answer["window"]!.GetValue<string>());
        Assert.Equal(0.8, answer["threshold"]!.GetValue<double>());
        Assert.Equal(30, answer["minGroupSize"]!.GetValue<int>());
        Assert.Equal("sex", answer["sensitiveAttributes"]![0]!.GetValue<string>());
        var sex = answer["attributes"]![0]!;
        Assert.Equal("sex", sex["attribute"]!.GetValue<string>());
        var b = sex["groups"]!.AsArray().Single(g => g!["group"]!.GetValue<string>() == "B")!;
        Assert.Equal(100, b["count"]!.GetValue<int>());
        Assert.Equal(0.85, b["accuracy"]!.GetValue<double>(), 12);
        Assert.Equal(0.3, b["selectionRate"]!.GetValue<double>(), 12);
        Assert.True(b["includedInRatios"]!.GetValue<bool>());
        Assert.NotNull(b["falsePositiveRate"]);
        var selection = sex["disparities"]!.AsArray().Single(d => d!["metric"]!.GetValue<string>() == "selectionRate")!;
        Assert.True(selection["flagged"]!.GetValue<bool>());
        Assert.Equal("B", selection["lowestGroup"]!.GetValue<string>());
        Assert.Equal("A", selection["highestGroup"]!.GetValue<string>());
        Assert.Equal(0.6, selection["ratio"]!.GetValue<double>(), 12);

        Assert.Null(sex["history"]);
        await RunAsync<FairnessJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));
        var history = (await GetJsonAsync(viewer, $"/api/v1/models/{model}/fairness?window=1d&attribute=sex&history=true"))["attributes"]![0]!["history"]!.AsArray();
        Assert.Equal(8, history.Count);   // two runs × four metrics
        Assert.Equal(2, history.Count(p => p!["metric"]!.GetValue<string>() == "selectionRate" && p["flagged"]!.GetValue<bool>()));

        // A model-scoped API key reads its model too.
        using var scoped = factory.CreateApiClient(PortalFactory.ScopedKey(model));
        await GetJsonAsync(scoped, $"/api/v1/models/{model}/fairness?window=7d");
    }

    [Fact]
    public async Task Rest_names_the_bad_field_in_problem_json()
    {
        var model = await SeedAsync([new Seeded("A", 1, 1)]);

        var window = await GetJsonAsync(client, $"/api/v1/models/{model}/fairness?window=2d", HttpStatusCode.BadRequest);
        Assert.Contains("1h, 1d or 7d", window["errors"]!["window"]![0]!.GetValue<string>());

        var attribute = await GetJsonAsync(client, $"/api/v1/models/{model}/fairness?attribute=zip", HttpStatusCode.BadRequest);
        Assert.Contains("not a sensitive attribute", attribute["errors"]!["attribute"]![0]!.GetValue<string>());

        await GetJsonAsync(client, "/api/v1/models/no-such-model/fairness", HttpStatusCode.NotFound);

        var (status, problem) = await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/fairness/settings", new { attributes = new[] { "zip" } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("has no feature 'zip'", problem["errors"]!["attributes[0]"]![0]!.GetValue<string>());

        (status, problem) = await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/fairness/settings", new { attributes = new[] { "sex" }, threshold = 1.5 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem["errors"]!["threshold"]);

        (status, problem) = await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/fairness/settings", new { attributes = new[] { "sex" }, minGroupSize = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem["errors"]!["minGroupSize"]);

        (status, problem) = await SendJsonAsync(client, HttpMethod.Put, $"/api/v1/models/{model}/fairness/settings", new { minGroupSize = 10 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem["errors"]!["attributes"]);

        var viewer = await factory.SignInAsync("Viewer");
        (status, _) = await SendJsonAsync(viewer, HttpMethod.Put, $"/api/v1/models/{model}/fairness/settings", new { attributes = new[] { "sex" } });
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Saving_settings_validates_them_and_records_an_audit_entry()
    {
        var model = await SeedAsync([new Seeded("A", 1, 1)]);
        var entity = await factory.WithServiceAsync<PortalDbContext, Portal.Data.Entities.MlModel>(db => db.Models.AsNoTracking().Include(m => m.Features).SingleAsync(m => m.Name == model));

        var error = await Assert.ThrowsAsync<Portal.Web.Infrastructure.Validation.InputValidationException>(() =>
            factory.WithServiceAsync<FairnessSettingsService, FairnessSettingsView>(s => s.SaveAsync(entity, new FairnessSettingsView(["sex", " "], 30, 0.8))));
        Assert.Equal(["attributes[1]"], error.Errors.Keys);
        error = await Assert.ThrowsAsync<Portal.Web.Infrastructure.Validation.InputValidationException>(() =>
            factory.WithServiceAsync<FairnessSettingsService, FairnessSettingsView>(s => s.SaveAsync(entity, new FairnessSettingsView(["sex", " "], 0, 0))));
        Assert.Equal(["attributes[1]", "minGroupSize", "threshold"], error.Errors.Keys);

        var saved = await factory.WithServiceAsync<FairnessSettingsService, FairnessSettingsView>(s => s.SaveAsync(entity, new FairnessSettingsView([" sex", "sex"], 50, 0.9)));
        Assert.Equal(["sex"], saved.Attributes);
        var stored = await factory.WithServiceAsync<FairnessSettingsService, FairnessSettingsView>(s => s.GetAsync(entity.Id));
        Assert.Equal(["sex"], stored.Attributes);
        Assert.Equal((50, 0.9), (stored.MinGroupSize, stored.Threshold));

        var entries = await factory.WithServiceAsync<AuditQuery, IReadOnlyList<Portal.Data.Audit.AuditEntry>>(async q =>
            (await q.SearchAsync(new AuditFilter(EntityType: FairnessSettingsService.EntityType), 0, 100)).Items);
        var entry = Assert.Single(entries, e => e.EntityId == model);
        Assert.Equal(AuditActions.Update, entry.Action);
        Assert.Contains("\"sex\"", entry.After);
        Assert.Contains("0.9", entry.After);
    }
}
