using Portal.Analysis.Alerting;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Jobs;
using Portal.Data.Entities.Streaming;
using Portal.Data.Rollups;
using Portal.Web.Features.Alerts;

namespace Portal.Web.Tests.Alerting;

/// <summary>
/// Every alert metric on stored data whose value is known: one store where each column the resolver could read holds a
/// different number, so a metric that reads its neighbour's column (or the wrong row, window or denominator) gets a
/// value no other metric expects. For each metric a rule just below the value fires and one just above it does not.
/// </summary>
public sealed class AlertMetricTests(AlertMetricTests.StoredData data) : IClassFixture<AlertMetricTests.StoredData>
{
    /// <summary>How close a computed value must be; latency quantiles come from a log-histogram (±2 %), so 5 % there.</summary>
    private const double Exact = 1e-9;
    private const double Bucketed = 0.05;

    /// <summary>Metric, expected value, tolerance (relative for <see cref="Bucketed"/>, absolute otherwise).</summary>
    public static TheoryData<AlertMetric, double, double> Expected => new()
    {
        // Prediction rollups: 2 minutes × 200 predictions, 20 errors, 45 low-confidence, 60 schema violations each.
        { AlertMetric.ErrorRate, 40.0 / 400, Exact },
        { AlertMetric.RequestRate, 400.0 / 5, Exact },                 // per minute over the 5-minute window
        { AlertMetric.LowConfidenceRate, 90.0 / (400 - 40), Exact },   // of the predictions that did not fail
        { AlertMetric.SchemaViolationRate, 120.0 / 400, Exact },
        { AlertMetric.LatencyP50, 10, Bucketed },                      // 60 % at 10 ms, 36 % at 100 ms, 4 % at 1 s
        { AlertMetric.LatencyP95, 100, Bucketed },
        { AlertMetric.LatencyP99, 1000, Bucketed },

        // Quality rollup: 100 labelled, 70 correct, TP 30 FP 10 FN 20 TN 40, |e| sum 45, e² sum 81.
        { AlertMetric.Accuracy, 0.7, Exact },
        { AlertMetric.F1, 60.0 / 90, Exact },
        { AlertMetric.Mae, 0.45, Exact },
        { AlertMetric.Rmse, 0.9, Exact },

        // Labelled raw rows: positives score 0.9, 0.8, 0.4; negatives 0.7, 0.3, 0.2 → 8 of 9 pairs ordered.
        { AlertMetric.Auc, 8.0 / 9, Exact },

        // Feature rollups: 80 present, 20 missing, 12 out of range, 28 new categories.
        { AlertMetric.MissingRate, 20.0 / 100, Exact },
        { AlertMetric.OutOfRangeRate, 12.0 / 80, Exact },
        { AlertMetric.NewCategoryRate, 28.0 / 80, Exact },

        // The latest drift run of the window (an older one in the window holds other values).
        { AlertMetric.DatasetDriftShare, 0.4, Exact },
        { AlertMetric.PredictionPsi, 0.27, Exact },
        { AlertMetric.PcaReconstructionError, 1.9, Exact },
        { AlertMetric.MmdPValue, 0.03, Exact },
        { AlertMetric.FeatureDriftScore, 0.012, Exact },               // "income"; "age" scored 0.61

        { AlertMetric.SloBurnRate, 14.4, Exact },                      // the worse SLO's 5m rate (its 1h rate is 6)
        { AlertMetric.JobFailures, 3, Exact },
        { AlertMetric.PossibleDriftEvents, 2, Exact },

        // The newest all-versions, all-segments estimate of the 1h window.
        { AlertMetric.EstimatedAccuracy, 0.81, Exact },
        { AlertMetric.EstimatedF1, 0.62, Exact },
        { AlertMetric.EstimatedPrecision, 0.73, Exact },
        { AlertMetric.EstimatedRecall, 0.55, Exact },
        { AlertMetric.EstimatedAuc, 0.93, Exact },

        { AlertMetric.FairnessDisparity, 0.64, Exact },                // the lowest ratio of the latest 1h run
    };

    [Fact]
    public void Every_metric_has_a_case_and_no_two_cases_expect_values_within_1_percent()
    {
        var cases = Expected.Select(row => ((AlertMetric)row[0], (double)row[1])).ToList();
        Assert.Equal(Enum.GetValues<AlertMetric>().Order(), cases.Select(c => c.Item1).Order());
        foreach (var (metric, value) in cases)
        {
            Assert.DoesNotContain(cases, other => other.Item1 != metric && Math.Abs(other.Item2 - value) <= 0.01 * Math.Max(other.Item2, value));
        }
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public async Task Metric_reads_its_own_stored_value_and_fires_only_past_the_threshold(AlertMetric metric, double expected, double tolerance)
    {
        var margin = tolerance == Bucketed ? expected * tolerance : 1e-6;
        var feature = metric == AlertMetric.FeatureDriftScore ? "income" : null;
        var above = await data.RuleAsync($"{metric}Below", metric, feature, expected - margin);
        var below = await data.RuleAsync($"{metric}Above", metric, feature, expected + margin);

        var value = await data.Host.WithAsync<AlertMetricResolver, double?>(r => r.ValueAsync(above, data.Model, data.At, CancellationToken.None));
        Assert.NotNull(value);
        Assert.Equal(expected, value.Value, margin);

        // The preview replays the same value for the same window (rows read once for the whole series, windowed in memory).
        var series = await data.Host.WithAsync<AlertMetricResolver, IReadOnlyList<MetricPoint>>(
            r => r.SeriesAsync(above, data.Model, data.At.AddMinutes(-10), data.At, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(value, series[^1].Value);

        await data.Host.EvaluateAsync(data.At);
        var alerts = await data.Host.AlertsAsync();
        Assert.Equal("Firing", alerts.Single(a => a.RuleId == above.Id).State);
        Assert.Equal("Inactive", alerts.Single(a => a.RuleId == below.Id).State);
    }

    /// <summary>One model with a value in every column the resolver reads, stored once for all cases.</summary>
    public sealed class StoredData : IAsyncLifetime, IDisposable
    {
        public AlertingTestHost Host { get; } = new();

        public MlModel Model { get; private set; } = null!;

        /// <summary>The evaluation time: whole minute, before the real clock.</summary>
        public DateTimeOffset At { get; } = AlertRuleService.MinuteFloor(DateTimeOffset.UtcNow).AddMinutes(-10);

        public Task<AlertRuleEntity> RuleAsync(string name, AlertMetric metric, string? feature, double threshold) =>
            Host.WithAsync<AlertRuleService, AlertRuleEntity>(s => s.SaveAsync(new AlertRuleForm
            {
                Name = name, Model = Model.Name, Metric = metric, Feature = feature, Comparator = Comparator.GreaterThan, Threshold = threshold,
                Window = "5m", For = "0s", KeepFiringFor = "0s", RepeatInterval = "4h", ChannelIds = [],
            }));

        public async Task InitializeAsync()
        {
            Model = await Host.ModelAsync("every-metric");
            var id = Model.Id;
            var at = At;
            await Host.DbAsync(async db =>
            {
                var job = new JobRun { JobType = "test", ModelId = id, StartedAt = at.AddHours(-2).UtcDateTime, Outcome = JobOutcome.Succeeded };
                var olderJob = new JobRun { JobType = "test", ModelId = id, StartedAt = at.AddHours(-2).UtcDateTime, Outcome = JobOutcome.Succeeded };
                db.JobRuns.AddRange(olderJob, job);
                await db.SaveChangesAsync();

                foreach (var minute in new[] { at.AddMinutes(-2), at.AddMinutes(-1) })
                {
                    var ms = minute.ToUnixTimeMilliseconds();
                    var latency = new LogHistogram();
                    latency.Add(10, 120);
                    latency.Add(100, 72);
                    latency.Add(1000, 8);
                    db.PredictionRollups.Add(new PredictionRollup
                    {
                        ModelId = id, Version = "v1", MinuteMs = ms, Count = 200, Errors = 20, LowConfidence = 45, SchemaViolations = 60,
                        LatencyCount = 200, LatencyBuckets = latency.ToJson(),
                    });
                    db.FeatureRollups.Add(new FeatureRollup { ModelId = id, Feature = "income", MinuteMs = ms, Count = 40, Missing = 10, OutOfRange = 6, NewCategories = 14 });
                }

                db.QualityRollups.Add(new QualityRollup
                {
                    ModelId = id, Version = "v1", MinuteMs = at.AddMinutes(-1).ToUnixTimeMilliseconds(), Labelled = 100, Correct = 70,
                    TruePositives = 30, FalsePositives = 10, FalseNegatives = 20, TrueNegatives = 40, AbsErrorSum = 45, SqErrorSum = 81,
                });

                // Outside the 5-minute window: would change every rate if it were counted.
                db.PredictionRollups.Add(new PredictionRollup { ModelId = id, Version = "v1", MinuteMs = at.AddMinutes(-6).ToUnixTimeMilliseconds(), Count = 1000, Errors = 1000 });

                var scored = new (double Score, string Label)[] { (0.9, "1"), (0.8, "1"), (0.4, "1"), (0.7, "0"), (0.3, "0"), (0.2, "0") };
                for (var i = 0; i < scored.Length; i++)
                {
                    var ts = at.AddMinutes(-1).AddSeconds(i).ToUnixTimeMilliseconds();
                    db.PredictionEvents.Add(new PredictionEvent { ModelId = id, PredictionId = $"p{i}", TimestampMs = ts, Score = scored[i].Score, Prediction = "1" });
                    db.FeedbackLabels.Add(new FeedbackLabel { ModelId = id, PredictionId = $"p{i}", Label = scored[i].Label, TimestampMs = ts, Matched = true });
                }

                db.DriftRuns.Add(new DriftRun
                {
                    JobRunId = olderJob.Id, ModelId = id, At = at.AddMinutes(-3).UtcDateTime, Baseline = "reference", HasVerdict = true,
                    DriftShare = 0.0123, PredictionPsi = 0.0234, PcaReconstructionError = 0.0345, MmdPValue = 0.0456,
                    FeatureResults = [new DriftFeatureResult { ModelId = id, At = at.AddMinutes(-3).UtcDateTime, Feature = "income", Test = "ks", Score = 0.0567 }],
                });
                db.DriftRuns.Add(new DriftRun
                {
                    JobRunId = job.Id, ModelId = id, At = at.AddMinutes(-1).UtcDateTime, Baseline = "reference", HasVerdict = true,
                    DriftShare = 0.4, WeightedDriftShare = 0.55, PredictionPsi = 0.27, TargetPsi = 0.33, PcaReconstructionError = 1.9, MmdPValue = 0.03, MmdStatistic = 0.071,
                    FeatureResults =
                    [
                        new DriftFeatureResult { ModelId = id, At = at.AddMinutes(-1).UtcDateTime, Feature = "income", Test = "ks", Score = 0.012 },
                        new DriftFeatureResult { ModelId = id, At = at.AddMinutes(-1).UtcDateTime, Feature = "age", Test = "ks", Score = 0.52 },
                    ],
                });

                // Newer, but without a verdict (too few rows): its run fields are not read; another feature's score is newer still.
                db.DriftRuns.Add(new DriftRun
                {
                    JobRunId = job.Id, ModelId = id, At = at.AddSeconds(-30).UtcDateTime, Baseline = "reference", HasVerdict = false,
                    DriftShare = 0.99, PredictionPsi = 0.98, PcaReconstructionError = 0.97, MmdPValue = 0.96,
                    FeatureResults = [new DriftFeatureResult { ModelId = id, At = at.AddSeconds(-30).UtcDateTime, Feature = "age", Test = "ks", Score = 0.61 }],
                });

                var worse = new SloDefinition { ModelId = id, Name = "latency", Kind = SloKind.Latency, TargetPercent = 99, LatencyBoundMs = 300 };
                var better = new SloDefinition { ModelId = id, Name = "errors", Kind = SloKind.ErrorRate, TargetPercent = 99 };
                db.SloDefinitions.AddRange(worse, better);
                await db.SaveChangesAsync();
                // The SLI history at the evaluation minute: bad/total/(1 − 0.99) is the burn rate.
                var sliMinute = at.ToUnixTimeMilliseconds() / 60_000 * 60_000;
                db.SloSliRecords.AddRange(
                    new SloSliRecord { SloId = worse.Id, MinuteMs = sliMinute, Window = "5m", Good = 856, Total = 1000 },
                    new SloSliRecord { SloId = worse.Id, MinuteMs = sliMinute, Window = "1h", Good = 940, Total = 1000 },
                    new SloSliRecord { SloId = worse.Id, MinuteMs = sliMinute - 60_000, Window = "5m", Good = 0, Total = 1000 },
                    new SloSliRecord { SloId = better.Id, MinuteMs = sliMinute, Window = "5m", Good = 975, Total = 1000 },
                    new SloSliRecord { SloId = better.Id, MinuteMs = sliMinute, Window = "1h", Good = 995, Total = 1000 });

                foreach (var minutesAgo in new[] { 1, 2, 4, 10 })
                {
                    db.JobRuns.Add(new JobRun { JobType = "drift", ModelId = id, StartedAt = at.AddMinutes(-minutesAgo).UtcDateTime, Outcome = minutesAgo == 2 ? JobOutcome.Succeeded : JobOutcome.Failed });
                    db.JobRuns.Add(new JobRun { JobType = "quality", ModelId = id, StartedAt = at.AddMinutes(-minutesAgo).AddSeconds(5).UtcDateTime, Outcome = minutesAgo == 1 ? JobOutcome.Failed : JobOutcome.Succeeded });
                }

                foreach (var minutesAgo in new[] { 1, 3, 7 })
                {
                    db.PossibleDriftEvents.Add(new PossibleDriftEvent
                    {
                        ModelId = id, At = at.AddMinutes(-minutesAgo).UtcDateTime, Detector = PossibleDriftEvent.Adwin, Signal = PossibleDriftEvent.ScoreSignal, Statistic = 0.4, Threshold = 0.1,
                    });
                }

                QualityResult Estimate(long run, DateTimeOffset when, string window, string version, string segment, double accuracy, double f1, double precision, double recall, double auc) => new()
                {
                    JobRunId = run, ModelId = id, At = when.UtcDateTime, Window = JobWindows.Parse(window), Version = version, Segment = segment, Accuracy = 0.77, F1 = 0.66, RocAuc = 0.5,
                    EstimatedAccuracy = accuracy, EstimatedF1 = f1, EstimatedPrecision = precision, EstimatedRecall = recall, EstimatedRocAuc = auc,
                };
                db.QualityResults.AddRange(
                    Estimate(olderJob.Id, at.AddMinutes(-20), "1h", "", "", 0.11, 0.12, 0.13, 0.14, 0.15),
                    Estimate(job.Id, at.AddMinutes(-2), "1h", "", "", 0.81, 0.62, 0.73, 0.55, 0.93),
                    Estimate(job.Id, at.AddMinutes(-2), "1h", "v1", "", 0.21, 0.22, 0.23, 0.24, 0.25),
                    Estimate(job.Id, at.AddMinutes(-2), "1h", "", "web", 0.31, 0.32, 0.33, 0.34, 0.35),
                    Estimate(job.Id, at.AddMinutes(-2), "1d", "", "", 0.41, 0.42, 0.43, 0.44, 0.45));

                FairnessDisparityResult Disparity(long run, int minutesAgo, string window, string metric, double ratio) => new()
                {
                    JobRunId = run, ModelId = id, At = at.AddMinutes(-minutesAgo).UtcDateTime, Window = JobWindows.Parse(window), Attribute = "sex", Metric = metric, Ratio = ratio, Threshold = 0.8,
                };
                db.FairnessDisparityResults.AddRange(
                    Disparity(olderJob.Id, 3, "1h", "selectionRate", 0.5),
                    Disparity(job.Id, 1, "1h", "selectionRate", 0.64),
                    Disparity(job.Id, 1, "1h", "accuracy", 0.9),
                    Disparity(job.Id, 1, "1d", "selectionRate", 0.3));
                return await db.SaveChangesAsync();
            });
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => Host.Dispose();
    }
}
