using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.Storage;
using MathNet.Numerics.Statistics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Analysis.Experiments;
using Portal.Data.Entities.Experiments;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Experiments;
using Portal.Web.Realtime;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Experiments.ExperimentApi;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Experiments;

/// <summary>The analysis job over stored observations and predictions: same numbers as the statistics library, and the verdicts.</summary>
public sealed class ExperimentAnalysisTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const long Required = 59; // ExperimentStatistics.SampleSizePerVariant(0.5, 0.5, 0.8, 0.05)

    [Fact]
    public async Task Analysis_of_seeded_observations_equals_the_statistics_library_on_the_same_data()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var definition = Definition(id, model);
        definition["metrics"]!.AsArray().Add(new JsonObject { ["name"] = "revenue", ["role"] = "secondary", ["kind"] = "continuous" });
        definition["metrics"]!.AsArray().Add(new JsonObject { ["name"] = "clicks", ["role"] = "secondary", ["kind"] = "conversion" });
        await StartAsync(factory, definition);

        var random = new Random(7);
        var revenue = new Dictionary<string, double[]>
        {
            ["control"] = Enumerable.Range(0, 80).Select(_ => Math.Round(20 + (5 * random.NextDouble()), 2)).ToArray(),
            ["treatment"] = Enumerable.Range(0, 70).Select(_ => Math.Round(21 + (5 * random.NextDouble()), 2)).ToArray(),
        };
        var observations = Conversions("control", 80, 30).Concat(Conversions("treatment", 70, 41))
            .Concat(Conversions("control", 80, 40, "clicks")).Concat(Conversions("treatment", 70, 36, "clicks"))
            .Concat(revenue.SelectMany(r => r.Value.Select((v, i) => (object)new { unitId = $"{r.Key}-{i}", variant = r.Key, value = v, metric = "revenue" })));
        await ObserveAsync(factory, id, observations);

        var result = Result(await AnalyseAsync(factory, id));

        // The verdict engine reads p and CI from the same unpooled standard error (the stateless API keeps pooled p).
        var (c, t) = (ArmEstimate.OfProportion(30, 80), ArmEstimate.OfProportion(41, 70));
        var effect = EffectEstimates.Absolute(c, t);
        var expected = EffectEstimates.Normal(effect, 0.05);
        var expectedLift = EffectEstimates.Relative(c, t)!;
        var liftInterval = EffectEstimates.Normal(expectedLift, 0.05);
        var primary = result.Metrics.Single(m => m.Name == "checkout").Comparisons.Single();
        Assert.Equal(effect.Estimate, primary.Difference!.Value, 12);
        Assert.Equal(expected.Low, primary.CiLow!.Value, 12);
        Assert.Equal(expected.High, primary.CiHigh!.Value, 12);
        Assert.Equal(expected.PValue, primary.PValue!.Value, 12);
        Assert.Equal(effect.Estimate / effect.StandardError, primary.Z!.Value, 12);
        Assert.Equal(expectedLift.Estimate, primary.Lift!.Value, 12);
        Assert.Equal(liftInterval.Low, primary.LiftLow!.Value, 12);
        Assert.Equal(liftInterval.High, primary.LiftHigh!.Value, 12);
        var bayes = BayesianAb.Conversion(new Proportion(30, 80), new Proportion(41, 70));
        Assert.Equal(bayes.ChanceToBeatControl, primary.ChanceToBeatControl!.Value, 12);
        Assert.Equal(bayes.ExpectedLossTreatment, primary.ExpectedLoss!.Value, 12);

        var welch = ExperimentStatistics.Welch(revenue["control"], revenue["treatment"]);
        var clicks = EffectEstimates.Normal(EffectEstimates.Absolute(ArmEstimate.OfProportion(40, 80), ArmEstimate.OfProportion(36, 70)), 0.05);
        var revenueResult = result.Metrics.Single(m => m.Name == "revenue");
        Assert.Equal("Welch", revenueResult.Test);
        Assert.Equal(welch.Difference, revenueResult.Comparisons[0].Difference!.Value, 12);
        Assert.Equal(welch.PValue, revenueResult.Comparisons[0].PValue!.Value, 12);
        Assert.Equal(welch.CiLow, revenueResult.Comparisons[0].CiLow!.Value, 12);
        Assert.Equal(revenue["treatment"].Average(), revenueResult.Values[1].Value!.Value, 12);
        var holm = HolmBonferroni.Adjust([welch.PValue, clicks.PValue]);
        Assert.Equal(holm[0], revenueResult.Comparisons[0].AdjustedPValue!.Value, 12);
        Assert.Equal(holm[1], result.Metrics.Single(m => m.Name == "clicks").Comparisons[0].AdjustedPValue!.Value, 12);

        var srm = ExperimentStatistics.SampleRatioMismatch([80, 70], [50, 50]);
        Assert.Equal(srm.PValue, result.Srm!.PValue, 12);
        Assert.False(result.Srm.Mismatch);
        Assert.Equal([80L, 70L], result.Arms.Select(a => a.Count));
        Assert.Equal(Required, result.RequiredPerVariant);

        // The run was recorded as a job run; no new data → nothing new stored.
        var runs = await WithDbAsync(factory, db => db.JobRuns.Where(r => r.JobType == "experiment").OrderBy(r => r.Id).ToListAsync());
        Assert.Contains(runs, r => r.Outcome == JobOutcome.Succeeded && r.Summary!.StartsWith(result.VerdictTitle, StringComparison.Ordinal));
        Assert.Equal(1, await AnalysisCountAsync(factory, id));
        await AnalyseAsync(factory, id);
        Assert.Equal(1, await AnalysisCountAsync(factory, id));
    }

    [Fact]
    public async Task Cuped_adjusts_a_continuous_primary_when_every_unit_has_a_pre_period_covariate()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var definition = Definition(id, model);
        definition["metrics"]![0]!["kind"] = "continuous";
        definition["metrics"]![0]!["name"] = "spend";
        definition["baselineValue"] = 50;
        definition["baselineStdDev"] = 10;
        definition["minimumDetectableEffect"] = 0.1;
        await StartAsync(factory, definition);

        var random = new Random(11);
        var data = new Dictionary<string, (double[] Y, double[] X)>();
        foreach (var (arm, lift) in new[] { ("control", 0.0), ("treatment", 1.5) })
        {
            var x = Enumerable.Range(0, 120).Select(_ => Math.Round(40 + (20 * random.NextDouble()), 3)).ToArray();
            var y = x.Select(v => Math.Round(v + lift + (4 * (random.NextDouble() - 0.5)), 3)).ToArray();
            data[arm] = (y, x);
        }

        await ObserveAsync(factory, id, data.SelectMany(d => d.Value.Y.Select((y, i) => (object)new { unitId = $"{d.Key}-{i}", variant = d.Key, value = y, covariate = d.Value.X[i] })));
        var result = Result(await AnalyseAsync(factory, id));

        var cuped = Cuped.Analyze(data["control"].Y, data["control"].X, data["treatment"].Y, data["treatment"].X);
        var metric = result.Metrics.Single();
        Assert.Equal("Welch on CUPED-adjusted values", metric.Test);
        var comparison = metric.Comparisons.Single();
        Assert.Equal(cuped.Adjusted.Difference, comparison.Difference!.Value, 10);
        Assert.Equal(cuped.Adjusted.PValue, comparison.PValue!.Value, 10);
        Assert.Equal(cuped.VarianceReduction, comparison.CupedVarianceReduction!.Value, 10);
        Assert.True(cuped.VarianceReduction > 0.8, "the covariate explains most of the variance");
        Assert.True(comparison.CiHigh - comparison.CiLow < cuped.Unadjusted.CiHigh - cuped.Unadjusted.CiLow);
        Assert.Contains(result.Notes, n => n.Contains("CUPED on 'spend'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sample_ratio_mismatch_on_a_skewed_split_blocks_the_verdict_and_says_so()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        await StartAsync(factory, Definition(id, model));
        // Configured 50/50, logged 250 vs 100 (each arm past the SRM minimum of 100 units); treatment looks far better, which must not be acted on.
        await ObserveAsync(factory, id, Conversions("control", 250, 75).Concat(Conversions("treatment", 100, 85)));
        var result = Result(await AnalyseAsync(factory, id));
        Assert.True(result.Srm!.Mismatch);
        Assert.True(result.Srm.PValue < 0.001);
        Assert.Equal(VerdictKind.Stop, result.Verdict);
        Assert.Equal("STOP", result.VerdictTitle);
        Assert.StartsWith("Sample ratio mismatch", result.Reasons[0], StringComparison.Ordinal);
        Assert.Contains("250 / 100", result.Reasons[0], StringComparison.Ordinal);
        Assert.True(result.Metrics[0].Comparisons[0].PValue < 0.001, "the effect would have been significant");
    }

    [Fact]
    public async Task Guardrail_breach_on_latency_p99_from_tagged_predictions_stops_a_winning_experiment()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var definition = Definition(id, model);
        definition["metrics"]!.AsArray().Add(new JsonObject { ["name"] = "latency-p99", ["role"] = "guardrail", ["kind"] = "latencyP99", ["bound"] = 200 });
        definition["metrics"]!.AsArray().Add(new JsonObject { ["name"] = "errors", ["role"] = "guardrail", ["kind"] = "errorRate", ["bound"] = 0.5 });
        await StartAsync(factory, definition);
        await ObserveAsync(factory, id, Conversions("control", 60, 20).Concat(Conversions("treatment", 60, 50)));
        await PredictAsync(model, id, "control", "v1", 200, i => 80 + (i % 40));
        await PredictAsync(model, id, "treatment", "v2", 200, i => 250 + (i % 100));

        var result = Result(await AnalyseAsync(factory, id));
        Assert.Equal(VerdictKind.Stop, result.Verdict);
        Assert.StartsWith("Guardrail 'latency-p99' breached", result.Reasons[0], StringComparison.Ordinal);
        var latency = result.Guardrails.Single(g => g.Metric == "latency-p99");
        Assert.Equal("breached", latency.Status);
        var sorted = Enumerable.Range(0, 200).Select(i => 250.0 + (i % 100)).Order().ToArray();
        Assert.Equal(Portal.Analysis.Performance.Percentiles.OfSorted(sorted, 99), latency.TreatmentValue!.Value, 9);
        Assert.Equal("ok", result.Guardrails.Single(g => g.Metric == "errors").Status);
    }

    [Fact]
    public async Task Early_data_keeps_running_with_the_sample_still_needed_then_a_clear_winner_ships_at_the_full_sample()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        await StartAsync(factory, Definition(id, model));
        await ObserveAsync(factory, id, Conversions("control", 20, 5).Concat(Conversions("treatment", 20, 18)));
        var early = Result(await AnalyseAsync(factory, id));
        Assert.Equal(VerdictKind.KeepRunning, early.Verdict);
        Assert.Equal(Required - 20, early.StillNeededPerVariant);
        Assert.Contains($"{Required - 20} more units per variant", early.Reasons[0], StringComparison.Ordinal);

        await ObserveAsync(factory, id, Conversions("control", 60, 18).Concat(Conversions("treatment", 60, 45)));
        var full = Result(await AnalyseAsync(factory, id));
        Assert.Equal(VerdictKind.Ship, full.Verdict);
        Assert.Equal("treatment", full.WinningArm);
        Assert.Equal(0, full.StillNeededPerVariant);
        Assert.StartsWith("Primary 'checkout' improved", full.Reasons[0], StringComparison.Ordinal);
        Assert.Equal(2, await AnalysisCountAsync(factory, id));
    }

    [Fact]
    public async Task A_clear_loser_at_the_full_sample_reverts()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        await StartAsync(factory, Definition(id, model));
        await ObserveAsync(factory, id, Conversions("control", 60, 45).Concat(Conversions("treatment", 60, 18)));
        var result = Result(await AnalyseAsync(factory, id));
        Assert.Equal(VerdictKind.Revert, result.Verdict);
        Assert.StartsWith("Primary 'checkout' got worse", result.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accuracy_of_a_binary_model_reads_true_and_false_labels_as_its_classes()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var definition = Definition(id, model);
        definition["metrics"] = new JsonArray(new JsonObject { ["name"] = "accuracy", ["role"] = "primary", ["kind"] = "accuracy" });
        definition["baselineValue"] = 0.7;
        definition["minimumDetectableEffect"] = 0.1;
        await StartAsync(factory, definition);

        // Predictions sent as 1 (stored "1"), labels as the text "true"/"false": control 15 of 20 right, treatment 10 of 20.
        using var admin = factory.CreateApiClient();
        foreach (var (arm, version, correct) in new[] { ("control", "v1", 15), ("treatment", "v2", 10) })
        {
            var items = Enumerable.Range(0, 20).Select(i => new { predictionId = $"{id}-{arm}-{i}", modelVersion = version, prediction = 1, score = 0.8, experiment = new { id, variant = arm } });
            await PostOkAsync(admin, $"/api/v1/models/{model}/predictions", JsonSerializer.Serialize(items));
            var labels = Enumerable.Range(0, 20).Select(i => new { predictionId = $"{id}-{arm}-{i}", label = i < correct ? "true" : "false" });
            await PostOkAsync(admin, $"/api/v1/models/{model}/feedback", JsonSerializer.Serialize(labels));
        }

        var accuracy = Result(await AnalyseAsync(factory, id)).Metrics.Single(m => m.Name == "accuracy");

        Assert.Equal([0.75, 0.5], accuracy.Values.Select(v => v.Value!.Value));
    }

    [Fact]
    public async Task Accuracy_and_error_rate_per_arm_come_from_predictions_tagged_with_the_experiment_and_their_labels()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var definition = Definition(id, model);
        definition["metrics"] = new JsonArray(
            new JsonObject { ["name"] = "accuracy", ["role"] = "primary", ["kind"] = "accuracy" },
            new JsonObject { ["name"] = "error-rate", ["role"] = "secondary", ["kind"] = "errorRate" });
        definition["baselineValue"] = 0.7;
        definition["minimumDetectableEffect"] = 0.1;
        await StartAsync(factory, definition);

        // control: 100 predictions, 4 failed, 60 labelled of which 40 correct; treatment: 100, 1 failed, 60 labelled, 54 correct.
        using var admin = factory.CreateApiClient();
        foreach (var (arm, version, failed, correct) in new[] { ("control", "v1", 4, 40), ("treatment", "v2", 1, 54) })
        {
            var items = Enumerable.Range(0, 100).Select(i => i < failed
                ? (object)new { predictionId = $"{id}-{arm}-{i}", modelVersion = version, error = "timeout", experiment = new { id, variant = arm } }
                : new { predictionId = $"{id}-{arm}-{i}", modelVersion = version, prediction = 1, score = 0.8, experiment = new { id, variant = arm } });
            await PostOkAsync(admin, $"/api/v1/models/{model}/predictions", JsonSerializer.Serialize(items));
            var labels = Enumerable.Range(10, 60).Select(i => new { predictionId = $"{id}-{arm}-{i}", label = i - 10 < correct ? 1 : 0 });
            await PostOkAsync(admin, $"/api/v1/models/{model}/feedback", JsonSerializer.Serialize(labels));
        }

        // A prediction of the model outside the experiment does not count.
        await PostOkAsync(admin, $"/api/v1/models/{model}/predictions", """{"predictionId": "outside", "prediction": 0, "error": "x"}""");

        var result = Result(await AnalyseAsync(factory, id));
        var accuracy = result.Metrics.Single(m => m.Name == "accuracy");
        Assert.Equal([60L, 60L], accuracy.Values.Select(v => v.N));
        var expected = EffectEstimates.Normal(EffectEstimates.Absolute(ArmEstimate.OfProportion(40, 60), ArmEstimate.OfProportion(54, 60)), 0.05);
        Assert.Equal(expected.PValue, accuracy.Comparisons[0].PValue!.Value, 12);
        Assert.Equal(40 / 60.0, accuracy.Values[0].Value!.Value, 12);
        var errors = result.Metrics.Single(m => m.Name == "error-rate");
        Assert.Equal([0.04, 0.01], errors.Values.Select(v => v.Value!.Value));
        Assert.Equal([60L, 60L], result.Arms.Select(a => a.Count));

        // No prediction names its unit: per prediction, and the result says so.
        Assert.False(errors.PerUnit);
        Assert.Contains(result.Notes, n => n.StartsWith("'error-rate' is compared per prediction", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Predictions_naming_their_unit_are_aggregated_per_unit_and_checked_against_the_hash_assignment()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var definition = Definition(id, model);
        definition["metrics"] = new JsonArray(new JsonObject { ["name"] = "errors", ["role"] = "primary", ["kind"] = "errorRate" });
        definition["baselineValue"] = 0.1;
        await StartAsync(factory, definition);

        // 40 users, each in the arm the hash assigns, sending 1 to 8 predictions; one extra user reports the wrong arm.
        using var admin = factory.CreateApiClient();
        var shares = new[] { 50.0, 50.0 };
        var arms = new[] { "control", "treatment" };
        var items = new List<object>();
        var expected = new Dictionary<string, List<(double Errors, double Count)>> { ["control"] = [], ["treatment"] = [] };
        for (var u = 0; u < 40; u++)
        {
            var unit = $"user-{u}";
            var arm = arms[ExperimentAssignment.Assign(id, unit, shares)];
            var count = 1 + (u % 8);
            var errors = u % 3 == 0 ? 1 + (u % 2) : 0;
            expected[arm].Add((Math.Min(errors, count), count));
            for (var i = 0; i < count; i++)
            {
                items.Add(i < errors
                    ? new { predictionId = $"{id}-{u}-{i}", error = "timeout", experiment = new { id, variant = arm, unit } }
                    : (object)new { predictionId = $"{id}-{u}-{i}", prediction = 1, experiment = new { id, variant = arm, unit } });
            }
        }

        var wrong = arms[1 - ExperimentAssignment.Assign(id, "user-x", shares)];
        items.Add(new { predictionId = $"{id}-x", prediction = 1, experiment = new { id, variant = wrong, unit = "user-x" } });
        expected[wrong].Add((0, 1));
        await PostOkAsync(admin, $"/api/v1/models/{model}/predictions", JsonSerializer.Serialize(items));

        var (status, problem) = await SendAsync(admin, HttpMethod.Post, $"/api/v1/models/{model}/predictions",
            new JsonObject { ["predictionId"] = "bad-unit", ["prediction"] = 1, ["experiment"] = new JsonObject { ["id"] = id, ["variant"] = "control", ["unit"] = 7 } });
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest);
        Assert.Contains("experiment.unit", problem.ToJsonString(), StringComparison.Ordinal); // the item is rejected, naming the field

        var result = Result(await AnalyseAsync(factory, id));
        var metric = result.Metrics.Single();
        Assert.True(metric.PerUnit);
        Assert.Equal("ratio of per-unit sums (delta method), z", metric.Test);
        Assert.Equal(arms.Select(a => (long)expected[a].Count), result.Arms.Select(a => a.Count));
        Assert.Equal(arms.Select(a => (long?)expected[a].Sum(x => x.Count)), result.Arms.Select(a => a.Predictions));
        var (c, t) = (Ratio(expected["control"]), Ratio(expected["treatment"]));
        Assert.Equal(c.Mean, metric.Values[0].Value!.Value, 12);
        var interval = EffectEstimates.Normal(EffectEstimates.Absolute(c, t), 0.05);
        Assert.Equal(interval.PValue, metric.Comparisons[0].PValue!.Value, 12);
        Assert.Equal(new AssignmentCheck(41, 1, 0), result.Assignment);
        Assert.Contains(result.Reasons, r => r.StartsWith("Warning: Assignment check: 1 of 41 units", StringComparison.Ordinal));

        static ArmEstimate Ratio(List<(double Errors, double Count)> units) =>
            ArmEstimate.OfRatio(units.Select(x => x.Errors).ToList(), units.Select(x => x.Count).ToList());
    }

    [Fact]
    public async Task Shadow_version_is_compared_with_production_on_the_same_prediction_ids()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        var definition = Definition(id, model);
        definition["arms"]!.AsArray().Add(new JsonObject { ["name"] = "candidate", ["modelVersion"] = "v3", ["shadow"] = true });
        await StartAsync(factory, definition);

        using var admin = factory.CreateApiClient();
        var random = new Random(3);
        var production = new List<(string Id, int Class, double Score)>();
        var shadow = new List<(int Class, double Score)>();
        for (var i = 0; i < 50; i++)
        {
            var score = Math.Round(random.NextDouble(), 4);
            var shadowScore = Math.Round(Math.Clamp(score + ((random.NextDouble() - 0.5) * 0.3), 0, 1), 4);
            production.Add(($"{id}-p{i}", score >= 0.5 ? 1 : 0, score));
            shadow.Add((shadowScore >= 0.5 ? 1 : 0, shadowScore));
        }

        await PostOkAsync(admin, $"/api/v1/models/{model}/predictions", JsonSerializer.Serialize(production.Select(p => new { predictionId = p.Id, modelVersion = "v1", prediction = p.Class, score = p.Score })));
        // Shadow predictions: the production id + "#" + the shadow version; one without a production twin is ignored.
        await PostOkAsync(admin, $"/api/v1/models/{model}/predictions", JsonSerializer.Serialize(production.Select((p, i) => new { predictionId = $"{p.Id}#v3", modelVersion = "v3", prediction = shadow[i].Class, score = shadow[i].Score })
            .Append(new { predictionId = "orphan#v3", modelVersion = "v3", prediction = 1, score = 0.5 })));
        var labels = production.Take(30).Select((p, i) => new { predictionId = p.Id, label = i % 3 == 0 ? 1 - p.Class : p.Class });
        await PostOkAsync(admin, $"/api/v1/models/{model}/feedback", JsonSerializer.Serialize(labels));

        var status = Result(await AnalyseAsync(factory, id)).Shadow.Single();
        Assert.Equal(("candidate", "v3"), (status.Arm, status.ModelVersion));
        var r = status.Result;
        Assert.Equal(50, r.Pairs);
        Assert.Equal(production.Zip(shadow).Count(x => x.First.Class == x.Second.Class) / 50.0, r.AgreementRate!.Value, 12);
        Assert.Equal(Correlation.Pearson(production.Select(p => p.Score), shadow.Select(s => s.Score)), r.ScoreCorrelation!.Value, 12);
        Assert.Equal(30, r.Labelled);
        var labelList = labels.ToList();
        var prodAccuracy = labelList.Select((l, i) => production[i].Class == l.label ? 1.0 : 0).Average();
        var shadowAccuracy = labelList.Select((l, i) => shadow[i].Class == l.label ? 1.0 : 0).Average();
        Assert.Equal(prodAccuracy, r.ProductionMetric!.Value, 12);
        Assert.Equal(shadowAccuracy - prodAccuracy, r.MetricDifference!.Value, 12);
    }

    [Fact]
    public async Task Sequential_looks_are_taken_at_planned_information_fractions_with_obrien_fleming_boundaries()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        await StartAsync(factory, Definition(id, model, looks: 5));

        // 12 of 59 per arm = information 0.203: the first planned look (0.2).
        await ObserveAsync(factory, id, Conversions("control", 12, 4).Concat(Conversions("treatment", 12, 7)));
        var first = Result(await AnalyseAsync(factory, id));
        Assert.Equal(1, first.Sequential.ThisLook!.Look);
        var expectedFirst = GroupSequential.ObrienFlemingBoundaries([12 / 59.0])[0];
        Assert.Equal(expectedFirst.Z, first.Sequential.ThisLook.Boundary, 9);
        Assert.Equal(VerdictKind.KeepRunning, first.Verdict);
        Assert.Contains(first.Reasons, r => r.Contains("has not crossed the boundary at look 1", StringComparison.Ordinal));
        Assert.Equal(0.4, first.Sequential.NextLookFraction!.Value, 12);

        // More data, but not the next look: an analysis between looks carries the last look.
        await ObserveAsync(factory, id, Conversions("control", 15, 5).Concat(Conversions("treatment", 15, 9)));
        var between = Result(await AnalyseAsync(factory, id));
        Assert.Null(between.Sequential.ThisLook);
        Assert.Single(between.Sequential.Looks);

        // 24 per arm = 0.407: look 2, boundaries over the actual fractions of both looks.
        await ObserveAsync(factory, id, Conversions("control", 24, 8).Concat(Conversions("treatment", 24, 14)));
        var second = Result(await AnalyseAsync(factory, id));
        Assert.Equal(2, second.Sequential.ThisLook!.Look);
        var expected = GroupSequential.ObrienFlemingBoundaries([12 / 59.0, 24 / 59.0]);
        Assert.Equal(expected[1].Z, second.Sequential.ThisLook.Boundary, 9);
        Assert.Equal(second.Metrics[0].Comparisons[0].Z!.Value, second.Sequential.ThisLook.ZByArm["treatment"], 12);
        Assert.Equal(2, second.Sequential.Looks.Count);
    }

    [Fact]
    public async Task Starting_schedules_the_recurring_job_which_records_a_run_and_publishes_experiments_and_stopping_removes_it()
    {
        var model = await CreateModelAsync(factory);
        var id = NewId();
        await StartAsync(factory, Definition(id, model));
        var storage = factory.Services.GetRequiredService<JobStorage>();
        bool Scheduled()
        {
            using var connection = storage.GetConnection();
            return connection.GetRecurringJobs().Any(j => j.Id == ExperimentAnalysisJob.RecurringId(id) && j.Cron == "*/5 * * * *");
        }

        Assert.True(Scheduled());
        await ObserveAsync(factory, id, Conversions("control", 10, 3).Concat(Conversions("treatment", 10, 4)));

        var changes = new List<ModelChange>();
        using var subscription = factory.Services.GetRequiredService<IModelChangeNotifier>().Subscribe(c =>
        {
            lock (changes)
            {
                changes.Add(c);
            }

            return Task.CompletedTask;
        });
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ExperimentAnalysisJob>().RunAsync(id, null, CancellationToken.None);
        }

        var run = await WithDbAsync(factory, db => db.JobRuns.OrderByDescending(r => r.Id).FirstAsync(r => r.JobType == "experiment"));
        Assert.Equal(JobOutcome.Succeeded, run.Outcome);
        var analysis = await WithDbAsync(factory, db => db.ExperimentAnalyses.SingleAsync(a => a.ExperimentId == id));
        Assert.Equal(run.Id, analysis.JobRunId);
        Assert.Equal(VerdictKind.KeepRunning, analysis.Verdict);
        // The column keeps the API's names, not the enum's.
        var stored = await WithDbAsync(factory, db => db.Database
            .SqlQuery<string>($"SELECT \"Verdict\" AS \"Value\" FROM \"ExperimentAnalyses\" WHERE \"ExperimentId\" = {id}").SingleAsync());
        Assert.Equal("keepRunning", stored);
        await WaitForAsync(() => { lock (changes) { return changes.Any(c => c.Model == model && c.What == "experiments"); } });

        using var admin = factory.CreateApiClient();
        await OkAsync(admin, HttpMethod.Post, $"/api/v1/experiments/{id}/stop");
        Assert.False(Scheduled());
        var latest = await OkAsync(admin, HttpMethod.Get, $"/api/v1/experiments/{id}/analysis");
        Assert.Equal("keepRunning", latest["verdict"]!.GetValue<string>());

        using var export = await admin.GetAsync($"/api/v1/experiments/{id}/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Contains("attachment", export.Content.Headers.ContentDisposition?.ToString() ?? export.Headers.ToString());
        var document = JsonNode.Parse(await export.Content.ReadAsStringAsync())!;
        Assert.Equal(id, document["experiment"]!["id"]!.GetValue<string>());
        Assert.Equal("stopped", document["experiment"]!["state"]!.GetValue<string>());
        Assert.Equal("keepRunning", document["latestAnalysis"]!["verdict"]!.GetValue<string>());
        Assert.NotEmpty(document["history"]!.AsArray());
    }

    private async Task PredictAsync(string model, string id, string arm, string version, int count, Func<int, double> latency)
    {
        using var admin = factory.CreateApiClient();
        var items = Enumerable.Range(0, count).Select(i => new { predictionId = $"{id}-{arm}-{i}", modelVersion = version, prediction = 1, score = 0.7, latencyMs = latency(i), experiment = new { id, variant = arm } });
        await PostOkAsync(admin, $"/api/v1/models/{model}/predictions", JsonSerializer.Serialize(items));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
