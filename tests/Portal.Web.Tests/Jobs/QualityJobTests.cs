using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Dashboards;
using Portal.Web.Features.Quality;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using static Portal.Web.Tests.Jobs.JobsTestData;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Tests.Jobs;

/// <summary>The quality job on seeded labels, checked against metrics computed here from the same pairs.</summary>
public sealed class QualityJobTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private readonly HttpClient client = factory.CreateApiClient();

    private sealed record Seeded(string Version, string Segment, int Prediction, double Score, int Label, double DelayMinutes);

    [Fact]
    public async Task Classification_metrics_per_window_version_and_segment_match_an_independent_computation()
    {
        var model = await NewModelAsync(client, features: []);
        var random = new Random(42);
        var start = DateTimeOffset.UtcNow.AddMinutes(-50);
        var seeded = new List<Seeded>();
        var predictions = new List<JsonObject>();
        var labels = new List<JsonObject>();
        for (var i = 0; i < 240; i++)
        {
            var at = start.AddSeconds(i * 8);
            var score = Math.Round(random.NextDouble(), 4);
            var item = new Seeded(i % 3 == 0 ? "v2" : "v1", i % 2 == 0 ? "web" : "mobile", score >= 0.5 ? 1 : 0, score, random.NextDouble() < score ? 1 : 0, 1 + (i % 7));
            predictions.Add(new JsonObject
            {
                ["predictionId"] = $"p{i}", ["timestamp"] = Iso(at), ["modelVersion"] = item.Version, ["segment"] = item.Segment,
                ["prediction"] = item.Prediction, ["score"] = item.Score,
            });
            if (i % 4 != 3)
            {
                seeded.Add(item);
                labels.Add(new JsonObject { ["predictionId"] = $"p{i}", ["label"] = item.Label, ["timestamp"] = Iso(at.AddMinutes(item.DelayMinutes)) });
            }
        }

        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", predictions);
        await PostItemsAsync(client, $"/api/v1/models/{model}/feedback", labels);

        await RunAsync<QualityJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

        var results = await ResultsAsync(model);
        Assert.Equal(JobOutcome.Succeeded, (await LatestJobRunAsync(factory, model, QualityJob.JobType)).Outcome);
        foreach (var window in new[] { "1h", "1d", "7d" })
        {
            AssertBinary(seeded, results.Single(r => r.Window == JobWindows.Parse(window) && r.Version == "" && r.Segment == ""));
        }

        AssertBinary(seeded.Where(s => s.Version == "v2").ToList(), results.Single(r => r.Window == JobWindow.Hour && r.Version == "v2"));
        AssertBinary(seeded.Where(s => s.Segment == "mobile").ToList(), results.Single(r => r.Window == JobWindow.Hour && r.Segment == "mobile"));
        Assert.Equal(5, results.Count(r => r.Window == JobWindow.Hour)); // all, v1, v2, mobile, web
        // The column keeps the API's names, not the enum's.
        var id = await ModelIdAsync(factory, model);
        var stored = await factory.WithServiceAsync<PortalDbContext, List<string>>(db => db.Database
            .SqlQuery<string>($"SELECT DISTINCT \"Window\" AS \"Value\" FROM \"QualityResults\" WHERE \"ModelId\" = {id}").ToListAsync());
        Assert.Equal(["1d", "1h", "7d"], stored.Order(StringComparer.Ordinal));

        var answer = await GetJsonAsync(client, $"/api/v1/models/{model}/quality?window=1h");
        Assert.Equal(5, answer["results"]!.AsArray().Count);
        Assert.Equal("", answer["results"]![0]!["version"]!.GetValue<string>());
        Assert.Equal(180, answer["results"]![0]!["labelled"]!.GetValue<long>());
        Assert.Equal("1h", answer["window"]!.GetValue<string>());
        Assert.Equal("1h", answer["results"]![0]!["window"]!.GetValue<string>());

        var bad = await GetJsonAsync(client, $"/api/v1/models/{model}/quality?window=2d", HttpStatusCode.BadRequest);
        Assert.Contains("1h, 1d or 7d", bad["errors"]!["window"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task True_and_false_labels_give_the_same_metrics_on_the_dashboard_and_in_the_quality_job()
    {
        // Predictions sent as numbers 1/0 (stored "1"/"0"), labels as the text "true"/"false": one class rule
        // (BinaryLabel) reads both. By i mod 4: 0 → predicted 0, label true (FN); 1, 3 → 1, true (TP); 2 → 0, false (TN).
        // TP 20, FN 10, TN 10, FP 0: accuracy 0.75, precision 1, recall 2/3, F1 0.8.
        var model = await NewModelAsync(client, features: []);
        var at = DateTimeOffset.UtcNow.AddMinutes(-20);
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions",
            Enumerable.Range(0, 40).Select(i => new JsonObject { ["predictionId"] = $"t{i}", ["timestamp"] = Iso(at), ["prediction"] = i % 2 }));
        await PostItemsAsync(client, $"/api/v1/models/{model}/feedback",
            Enumerable.Range(0, 40).Select(i => new JsonObject { ["predictionId"] = $"t{i}", ["label"] = i % 4 == 2 ? "false" : "true", ["timestamp"] = Iso(at.AddSeconds(5)) }));

        await RunAsync<QualityJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

        var row = (await ResultsAsync(model)).Single(r => r.Window == JobWindow.Hour && r.Version == "" && r.Segment == "");
        Assert.Equal(40, row.Labelled);
        Assert.Equal(0.75, row.Accuracy!.Value, 12);
        Assert.Equal(1.0, row.Precision!.Value, 12);
        Assert.Equal(2.0 / 3, row.Recall!.Value, 12);
        Assert.Equal(0.8, row.F1!.Value, 12);

        var id = await ModelIdAsync(factory, model);
        var header = new ModelHeader(id, model, ModelTaskType.Binary, null, null, [], []);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var dashboard = await factory.WithServiceAsync<PortalDbContext, AccuracyHealth>(db =>
            HealthDashboard.LoadAccuracyAsync(db, header, new TimeRange(now - 3_600_000, now, 3_600_000), null, CancellationToken.None));
        Assert.Equal(40, dashboard.Labelled);
        Assert.Equal(row.Accuracy!.Value, dashboard.Value!.Value, 12);
    }

    [Fact]
    public async Task Regression_metrics_match_an_independent_computation()
    {
        var model = await NewModelAsync(client, taskType: "regression", features: []);
        var at = DateTimeOffset.UtcNow.AddMinutes(-20);
        var truth = Enumerable.Range(0, 60).Select(i => 10.0 + i).ToArray();
        var predicted = truth.Select((y, i) => y + ((i % 5) - 2) * 1.5).ToArray();
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions",
            predicted.Select((p, i) => new JsonObject { ["predictionId"] = $"r{i}", ["timestamp"] = Iso(at), ["prediction"] = p }));
        await PostItemsAsync(client, $"/api/v1/models/{model}/feedback",
            truth.Select((y, i) => new JsonObject { ["predictionId"] = $"r{i}", ["label"] = y, ["timestamp"] = Iso(at.AddSeconds(i)) }));

        await RunAsync<QualityJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

        var row = (await ResultsAsync(model)).Single(r => r.Window == JobWindow.Hour && r.Version == "" && r.Segment == "");
        var errors = truth.Zip(predicted, (y, p) => y - p).ToArray();
        var mean = truth.Average();
        Assert.Equal(60, row.Labelled);
        Assert.Equal(errors.Average(Math.Abs), row.Mae!.Value, 9);
        Assert.Equal(Math.Sqrt(errors.Average(e => e * e)), row.Rmse!.Value, 9);
        Assert.Equal(1 - (errors.Sum(e => e * e) / truth.Sum(y => (y - mean) * (y - mean))), row.R2!.Value, 9);
        Assert.Equal(truth.Zip(errors, (y, e) => Math.Abs(e) / Math.Abs(y)).Average(), row.Mape!.Value, 9);
        Assert.Null(row.Accuracy);
        Assert.Equal(Percentile(Enumerable.Range(0, 60).Select(i => i * 1000.0).ToArray(), 50), row.LabelDelayP50Ms!.Value, 6);
    }

    [Fact]
    public async Task No_labels_is_not_enough_data()
    {
        var model = await NewModelAsync(client, features: []);
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", [new JsonObject { ["predictionId"] = "x", ["prediction"] = 1, ["score"] = 0.8 }]);

        await RunAsync<QualityJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

        Assert.Equal(JobOutcome.NotEnoughData, (await LatestJobRunAsync(factory, model, QualityJob.JobType)).Outcome);
        Assert.All(await ResultsAsync(model), r => Assert.Equal(0, r.Labelled));
    }

    private async Task<List<QualityResult>> ResultsAsync(string model)
    {
        var id = await ModelIdAsync(factory, model);
        return await factory.WithServiceAsync<PortalDbContext, List<QualityResult>>(db => db.QualityResults.AsNoTracking().Where(r => r.ModelId == id).ToListAsync());
    }

    /// <summary>Accuracy, precision, recall, F1, ROC AUC (pairwise), log loss and label delay percentiles, from their definitions.</summary>
    private static void AssertBinary(List<Seeded> pairs, QualityResult row)
    {
        double tp = pairs.Count(p => p.Prediction == 1 && p.Label == 1), fp = pairs.Count(p => p.Prediction == 1 && p.Label == 0);
        double fn = pairs.Count(p => p.Prediction == 0 && p.Label == 1), tn = pairs.Count(p => p.Prediction == 0 && p.Label == 0);
        var precision = tp / (tp + fp);
        var recall = tp / (tp + fn);
        var positives = pairs.Where(p => p.Label == 1).Select(p => p.Score).ToList();
        var negatives = pairs.Where(p => p.Label == 0).Select(p => p.Score).ToList();
        var auc = positives.Sum(s => negatives.Sum(n => s > n ? 1.0 : s == n ? 0.5 : 0)) / (positives.Count * negatives.Count);
        var logLoss = -pairs.Average(p => p.Label == 1 ? Math.Log(p.Score) : Math.Log(1 - p.Score));
        var delays = pairs.Select(p => p.DelayMinutes * 60_000).Order().ToArray();

        Assert.Equal(pairs.Count, row.Labelled);
        Assert.Equal((tp + tn) / pairs.Count, row.Accuracy!.Value, 9);
        Assert.Equal(precision, row.Precision!.Value, 9);
        Assert.Equal(recall, row.Recall!.Value, 9);
        Assert.Equal(2 * precision * recall / (precision + recall), row.F1!.Value, 9);
        Assert.Equal(auc, row.RocAuc!.Value, 9);
        Assert.Equal(logLoss, row.LogLoss!.Value, 9);
        Assert.Equal(Percentile(delays, 50), row.LabelDelayP50Ms!.Value, 6);
        Assert.Equal(Percentile(delays, 95), row.LabelDelayP95Ms!.Value, 6);
    }

    /// <summary>NumPy's default percentile: linear interpolation at (n − 1)·q/100.</summary>
    private static double Percentile(double[] sorted, double q)
    {
        var index = (sorted.Length - 1) * q / 100;
        var low = (int)Math.Floor(index);
        return low + 1 < sorted.Length ? sorted[low] + ((sorted[low + 1] - sorted[low]) * (index - low)) : sorted[low];
    }
}
