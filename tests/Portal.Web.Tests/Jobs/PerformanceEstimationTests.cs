using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Alerts;
using Portal.Web.Features.Quality;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using static Portal.Web.Tests.Jobs.JobsTestData;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Tests.Jobs;

/// <summary>
/// Performance estimation without labels (CBPE) through the real quality job: a reference from a calibrated model
/// (score = P(label = 1 | x) = σ(2x), x ~ N(0, 1)), then windows whose feature distribution shifts (covariate shift:
/// the score–outcome relationship stays), every prediction labelled so the realised metrics are known.
/// </summary>
public sealed class PerformanceEstimationTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const int ReferenceRows = 4000;
    private const int WindowRows = 2000;

    private readonly HttpClient client = factory.CreateApiClient();

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    /// <summary>Scores and labels of a calibrated model on x ~ N(mean, sd).</summary>
    private static (double[] Scores, int[] Labels) Sample(Random r, int n, double mean, double sd)
    {
        var scores = new double[n];
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            scores[i] = Math.Round(Sigmoid(2 * (mean + (sd * Normal(r)))), 6);
            labels[i] = r.NextDouble() < scores[i] ? 1 : 0;
        }

        return (scores, labels);
    }

    /// <summary>A reference of the model's scores, labels and (unless <paramref name="withPredictions"/> is false) predictions at <paramref name="threshold"/>.</summary>
    private async Task UploadScoreReferenceAsync(string model, Random random, string scoreColumn = "score", double threshold = 0.5, bool withPredictions = true, int rows = ReferenceRows)
    {
        var (scores, labels) = Sample(random, rows, 0, 1);
        var columns = new Dictionary<string, object> { [scoreColumn] = scores, ["label"] = labels };
        if (withPredictions)
        {
            columns["prediction"] = scores.Select(s => s >= threshold ? 1 : 0).ToArray();
        }

        using var response = await client.PutAsJsonAsync($"/api/v1/models/{model}/reference", new { columns });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Predictions of the last 50 minutes (prediction = score ≥ <paramref name="threshold"/>), each labelled when <paramref name="labelled"/>.</summary>
    private async Task PostWindowAsync(string model, double[] scores, int[] labels, bool labelled = true, double threshold = 0.5)
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-50);
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", scores.Select((s, i) => new JsonObject
        {
            ["predictionId"] = $"p{i}", ["timestamp"] = Iso(start.AddMilliseconds(i * 1000)), ["prediction"] = s >= threshold ? 1 : 0, ["score"] = s,
        }));
        if (labelled)
        {
            await PostItemsAsync(client, $"/api/v1/models/{model}/feedback", labels.Select((y, i) => new JsonObject { ["predictionId"] = $"p{i}", ["label"] = y }));
        }
    }

    private async Task<QualityResult> HourAsync(string model)
    {
        var id = await ModelIdAsync(factory, model);
        return await factory.WithServiceAsync<PortalDbContext, QualityResult>(db => db.QualityResults.AsNoTracking()
            .Where(r => r.ModelId == id && r.Window == JobWindow.Hour && r.Version == "" && r.Segment == "").OrderByDescending(r => r.Id).FirstAsync());
    }

    private Task RunQualityAsync(string model) => RunAsync<QualityJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

    [Theory]
    [InlineData(0.0, 1.0, true)]    // no shift: the estimate stays in its band
    [InlineData(0.0, 0.35, false)]  // mass moves to the uncertain middle: accuracy drops
    [InlineData(1.5, 1.0, false)]   // mass moves to confident positives: accuracy rises
    public async Task Estimated_accuracy_tracks_realised_accuracy_under_covariate_shift(double mean, double sd, bool inBand)
    {
        var model = await NewModelAsync(client, features: []);
        var random = new Random(11);
        await UploadScoreReferenceAsync(model, random);
        var (scores, labels) = Sample(random, WindowRows, mean, sd);
        await PostWindowAsync(model, scores, labels);

        await RunQualityAsync(model);

        var row = await HourAsync(model);
        Assert.Null(row.EstimationNote);
        Assert.Equal(WindowRows, row.EstimationScores);
        Assert.Equal(WindowRows, row.Labelled);
        var estimate = row.EstimatedAccuracy!.Value;
        var realised = row.Accuracy!.Value;

        // The realised accuracy of n labelled rows varies around the expected one with σ = √(a(1 − a)/n): within 3σ.
        var sampling = 3 * Math.Sqrt(estimate * (1 - estimate) / WindowRows);
        Assert.InRange(realised, estimate - sampling, estimate + sampling);
        Assert.InRange(row.EstimatedRocAuc!.Value, row.RocAuc!.Value - 0.05, row.RocAuc!.Value + 0.05);
        Assert.InRange(row.EstimatedF1!.Value, row.F1!.Value - 0.06, row.F1!.Value + 0.06);

        // The band (reference mean ± 3σ) holds an unshifted window; a shifted one leaves it, as its realised value does.
        Assert.Equal(inBand, estimate >= row.EstimatedAccuracyLower && estimate <= row.EstimatedAccuracyUpper);
        if (!inBand)
        {
            Assert.False(realised >= row.EstimatedAccuracyLower && realised <= row.EstimatedAccuracyUpper, "the realised accuracy moved out of the band too");
        }
        Assert.NotNull(row.EstimationCalibrated);
        Assert.Contains("estimated 1d accuracy", (await LatestJobRunAsync(factory, model, QualityJob.JobType)).Summary);
    }

    [Fact]
    public async Task Estimate_describes_the_posted_predictions_of_a_model_deployed_at_threshold_0_3()
    {
        var model = await NewModelAsync(client, features: []);
        var random = new Random(17);
        await UploadScoreReferenceAsync(model, random, threshold: 0.3);
        var (scores, labels) = Sample(random, WindowRows, 0, 1);
        await PostWindowAsync(model, scores, labels, threshold: 0.3);

        await RunQualityAsync(model);

        var row = await HourAsync(model);
        Assert.Null(row.EstimationNote);
        // The realised metrics of the posted (threshold 0.3) predictions lie in the range stored around the estimate;
        // a 0.5 classifier's recall on these scores is about 0.64 against 0.84 at 0.3, far outside.
        Assert.InRange(row.Accuracy!.Value, row.RealisedAccuracyLower!.Value, row.RealisedAccuracyUpper!.Value);
        Assert.InRange(row.Recall!.Value, row.RealisedRecallLower!.Value, row.RealisedRecallUpper!.Value);
        Assert.InRange(row.Precision!.Value, row.RealisedPrecisionLower!.Value, row.RealisedPrecisionUpper!.Value);
        Assert.InRange(row.F1!.Value, row.RealisedF1Lower!.Value, row.RealisedF1Upper!.Value);
        var recallAtHalf = (double)scores.Where((s, i) => s >= 0.5 && labels[i] == 1).Count() / labels.Count(y => y == 1);
        Assert.False(recallAtHalf >= row.RealisedRecallLower && recallAtHalf <= row.RealisedRecallUpper, $"recall at 0.5 {recallAtHalf:F3} is inside {row.RealisedRecallLower:F3}–{row.RealisedRecallUpper:F3}");
        Assert.InRange(row.EstimatedAccuracy!.Value, row.EstimatedAccuracyLower!.Value, row.EstimatedAccuracyUpper!.Value);
    }

    [Fact]
    public async Task A_reference_without_predictions_or_too_small_for_a_band_still_estimates_and_says_why()
    {
        var model = await NewModelAsync(client, features: []);
        var random = new Random(23);
        await UploadScoreReferenceAsync(model, random, withPredictions: false, rows: 250);
        var (scores, labels) = Sample(random, 500, 0, 1);
        await PostWindowAsync(model, scores, labels);

        await RunQualityAsync(model);

        var row = await HourAsync(model);
        Assert.NotNull(row.EstimatedAccuracy);
        Assert.Null(row.EstimatedAccuracyLower);
        Assert.Null(row.RealisedAccuracyLower);
        Assert.Contains("No band", row.EstimationNote);
        Assert.Contains($"at least {PerformanceEstimator.MinBandRows} rows", row.EstimationNote);
        Assert.Contains("no 'prediction' column", row.EstimationNote);
    }

    [Fact]
    public async Task Estimates_need_no_labels_and_come_with_camel_case_rest_fields()
    {
        var model = await NewModelAsync(client, features: []);
        var random = new Random(5);
        await UploadScoreReferenceAsync(model, random);
        var (scores, labels) = Sample(random, 500, 0, 0.35);
        await PostWindowAsync(model, scores, labels, labelled: false);

        await RunQualityAsync(model);

        var run = await LatestJobRunAsync(factory, model, QualityJob.JobType);
        Assert.Equal(JobOutcome.NotEnoughData, run.Outcome); // no labels for realised metrics …
        var row = await HourAsync(model);
        Assert.Equal(0, row.Labelled);
        Assert.NotNull(row.EstimatedAccuracy); // … but an estimate all the same
        Assert.True(row.EstimatedAccuracy < row.EstimatedAccuracyLower, "a shift to the uncertain middle leaves the band");

        var answer = await GetJsonAsync(client, $"/api/v1/models/{model}/quality?window=1h");
        var all = answer["results"]![0]!.AsObject();
        foreach (var metric in new[] { "Accuracy", "Precision", "Recall", "F1", "RocAuc" })
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Number, JsonValueKindOf(all, $"estimated{metric}"));
            Assert.Equal(System.Text.Json.JsonValueKind.Number, JsonValueKindOf(all, $"estimated{metric}Lower"));
            Assert.Equal(System.Text.Json.JsonValueKind.Number, JsonValueKindOf(all, $"estimated{metric}Upper"));
        }

        Assert.Equal(row.EstimatedAccuracy!.Value, all["estimatedAccuracy"]!.GetValue<double>(), 12);
        Assert.Equal(500, all["estimationScores"]!.GetValue<int>());
        Assert.Equal(row.EstimationCalibrated, all["estimationCalibrated"]!.GetValue<bool>());
        Assert.True(all.ContainsKey("estimationNote"));
    }

    [Fact]
    public async Task Run_now_enqueues_the_quality_job_for_engineers_only()
    {
        var model = await NewModelAsync(client, features: []);

        using var accepted = await client.PostAsync($"/api/v1/models/{model}/quality/run", null);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal($"/api/v1/models/{model}/quality", accepted.Headers.Location?.OriginalString);

        var viewer = await factory.SignInAsync("Viewer");
        using var forbidden = await viewer.PostAsync($"/api/v1/models/{model}/quality/run", null);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var missing = await client.PostAsync("/api/v1/models/no-such-model/quality/run", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static System.Text.Json.JsonValueKind JsonValueKindOf(JsonObject o, string name) =>
        o.TryGetPropertyValue(name, out var v) && v is not null ? v.GetValueKind() : System.Text.Json.JsonValueKind.Undefined;

    [Theory]
    [InlineData("regression", "reference", "binary classifiers only")]
    [InlineData("multiclass", "reference", "binary classifiers only")]
    [InlineData("binary", "none", "No reference dataset")]
    [InlineData("binary", "no-score", "needs a 'score' and a 'label'")]
    public async Task No_estimate_without_a_binary_model_and_a_usable_reference_and_the_reason_is_stored(string task, string reference, string reason)
    {
        var model = await NewModelAsync(client, taskType: task, features: []);
        var random = new Random(3);
        if (reference != "none")
        {
            await UploadScoreReferenceAsync(model, random, scoreColumn: reference == "no-score" ? "probability" : "score");
        }

        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", Enumerable.Range(0, 50).Select(i => task == "regression"
            ? new JsonObject { ["predictionId"] = $"q{i}", ["timestamp"] = Iso(at), ["prediction"] = i * 1.5 }
            : new JsonObject { ["predictionId"] = $"q{i}", ["timestamp"] = Iso(at), ["prediction"] = i % 2, ["score"] = (i % 10) / 10.0 }));

        await RunQualityAsync(model);

        var row = await HourAsync(model);
        Assert.Null(row.EstimatedAccuracy);
        Assert.Null(row.EstimatedRocAuc);
        Assert.Contains(reason, row.EstimationNote);
        Assert.Contains("no estimate: ", (await LatestJobRunAsync(factory, model, QualityJob.JobType)).Summary);
    }

    [Fact]
    public async Task Alert_rule_on_estimated_accuracy_previews_and_fires()
    {
        var model = await NewModelAsync(client, features: []);
        var random = new Random(8);
        await UploadScoreReferenceAsync(model, random);
        var (scores, labels) = Sample(random, 1000, 0, 0.35);
        await PostWindowAsync(model, scores, labels, labelled: false);
        await RunQualityAsync(model);

        // The preview replays whole minutes up to the current one: date the run two minutes back so it has been seen.
        var id = await ModelIdAsync(factory, model);
        await factory.WithServiceAsync<PortalDbContext, int>(db => db.QualityResults.Where(r => r.ModelId == id)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.At, r => r.At.AddMinutes(-2))));
        var row = await HourAsync(model);
        Assert.True(row.EstimatedAccuracy < 0.7, $"the shifted window's estimate is low ({row.EstimatedAccuracy})");

        var form = new AlertRuleForm
        {
            Name = "EstimatedAccuracyLow", Model = model, Metric = AlertMetric.EstimatedAccuracy, Comparator = Comparator.LessThan, Threshold = 0.7,
            Window = "1h", For = "0s", KeepFiringFor = "0s",
        };
        Assert.Empty((await factory.WithServiceAsync<AlertRuleService, ValidationProblems>(s => s.ValidateAsync(form))).Paths);
        var preview = await factory.WithServiceAsync<AlertRuleService, RulePreview>(s => s.PreviewAsync(form));
        Assert.True(preview.TimesFired >= 1, preview.Summary);
        Assert.Contains(preview.Models.Single().Series, p => p.Value is { } v && Math.Abs(v - row.EstimatedAccuracy!.Value) < 1e-12);

        form.Threshold = 1.5;
        Assert.Contains("threshold", (await factory.WithServiceAsync<AlertRuleService, ValidationProblems>(s => s.ValidateAsync(form))).Paths);
        form.Threshold = 0.7;

        await factory.WithServiceAsync<AlertRuleService, AlertRuleEntity>(s => s.SaveAsync(form));
        var summary = await factory.WithServiceAsync<AlertEvaluator, EvaluationSummary>(e => e.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.True(summary.Firing >= 1, summary.ToString());
        var alert = await factory.WithServiceAsync<PortalDbContext, AlertRecord>(db => db.Alerts.AsNoTracking().Where(a => a.ModelId == id).SingleAsync());
        Assert.Equal("Firing", alert.State);
        Assert.Equal(row.EstimatedAccuracy!.Value, alert.LastValue!.Value, 12);
    }
}
