using Portal.Analysis.Common;
using Portal.Analysis.Rca;

namespace Portal.Analysis.Tests.Rca;

/// <summary>
/// Expected confidences are logistic(1.5 × (z − 2) + 2 × p) (deployments: logistic(−2 + 4p)), worked out in the comments;
/// σ(x) below is 1 / (1 + e^−x).
/// </summary>
public class RootCauseRankerTests
{
    private static readonly DateTimeOffset AlertAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // Drift share 0.05 → 0.30, no known start: z = 0.25 / 0.1 = 2.5, p = 0 → σ(1.5 × 0.5) = σ(0.75) = 0.6792.
    private static readonly DataDriftSignal ModerateDrift = new(
        new SignalChange(0.30, 0.05),
        [new FeatureDriftScore("age", 0.42, "wasserstein"), new FeatureDriftScore("income", 0.31, "psi")]);

    private static CauseCandidate Candidate(RcaResult result, CauseKind cause) => result.Candidates.Single(c => c.Cause == cause);

    [Fact]
    public void Version_change_just_before_alert_ranks_first()
    {
        // Deployment 10 minutes before the alert: p = 1 → σ(−2 + 4) = σ(2) = 0.8808.
        // Drift: 0.6792 (above). Traffic 100 → 110/min: z = log2(1.1) / 0.5 = 0.275 → σ(1.5 × (0.275 − 2)) = 0.0699.
        var input = new RcaInput(
            AlertAt,
            DataDrift: ModerateDrift,
            Traffic: new TrafficSignal(new SignalChange(110, 100)),
            Deployment: new DeploymentSignal("v7", AlertAt.AddMinutes(-10), "v6"));

        var result = RootCauseRanker.Rank(input);

        Assert.Equal(CauseKind.ModelVersionChange, result.PrimaryCause);
        Assert.Equal(0.8808, result.PrimaryConfidence, 4);
        Assert.Equal([CauseKind.ModelVersionChange, CauseKind.DataDrift, CauseKind.TrafficChange], result.Candidates.Select(c => c.Cause));
        Assert.Equal(0.6792, Candidate(result, CauseKind.DataDrift).Confidence, 4);
        Assert.Equal(0.0699, Candidate(result, CauseKind.TrafficChange).Confidence, 4);
        Assert.Equal("Version v7 (previously v6) was deployed 10m before the alert started.", result.Candidates[0].Evidence[0]);
        Assert.Contains("Roll back to v6", result.Candidates[0].Actions[1]);
        Assert.StartsWith("Most likely cause: model version change (confidence 0.88).", result.Summary);
    }

    [Fact]
    public void Lead_times_read_as_minutes_and_seconds_with_a_space()
    {
        var input = new RcaInput(AlertAt, Deployment: new DeploymentSignal("v7", AlertAt.AddMinutes(-14).AddSeconds(-33).AddMilliseconds(-250), "v6"));

        var result = RootCauseRanker.Rank(input);

        Assert.Equal("Version v7 (previously v6) was deployed 14m 33s before the alert started.", result.Candidates[0].Evidence[0]);
    }

    [Theory]
    [InlineData(873.25, "14m 33s")]
    [InlineData(7500, "2h 5m")]
    [InlineData(45, "45s")]
    [InlineData(0.4, "0s")]
    [InlineData(-90, "-1m 30s")]
    [InlineData(90061, "1d 1h 1m 1s")]
    public void Elapsed_is_whole_seconds_with_spaces(double seconds, string expected) =>
        Assert.Equal(expected, Display.Elapsed(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Change_that_started_shortly_before_the_alert_is_boosted_above_an_old_deployment()
    {
        // The same drift starting 20 minutes before the alert: p = 1 → σ(0.75 + 2) = σ(2.75) = 0.9399.
        // A deployment two days earlier: p = 0 → σ(−2) = 0.1192.
        var input = new RcaInput(
            AlertAt,
            DataDrift: ModerateDrift with { ChangeStartedAt = AlertAt.AddMinutes(-20) },
            Deployment: new DeploymentSignal("v7", AlertAt.AddDays(-2)));

        var result = RootCauseRanker.Rank(input);

        Assert.Equal(CauseKind.DataDrift, result.PrimaryCause);
        Assert.Equal(0.9399, result.PrimaryConfidence, 4);
        Assert.Equal(1.0, result.Candidates[0].TimingProximity);
        Assert.Equal(0.1192, Candidate(result, CauseKind.ModelVersionChange).Confidence, 4);
        Assert.Contains("The change started 20m before the alert.", result.Candidates[0].Evidence);
    }

    [Fact]
    public void Nothing_stands_out_gives_unknown_with_low_confidence()
    {
        // Drift share 0.05 → 0.08: z = 0.3 → σ(1.5 × −1.7) = 0.0724. CPU 40 → 45%: z = 5/15 = 0.333 → σ(−2.5) = 0.0759.
        var input = new RcaInput(
            AlertAt,
            DataDrift: new DataDriftSignal(new SignalChange(0.08, 0.05), []),
            Infrastructure: new InfrastructureSignal(CpuPercent: new SignalChange(45, 40)));

        var result = RootCauseRanker.Rank(input);

        Assert.Equal(CauseKind.Unknown, result.PrimaryCause);
        Assert.Equal(0.0759, result.PrimaryConfidence, 4);
        Assert.Equal(CauseKind.Infrastructure, result.Candidates[0].Cause);
        Assert.Equal("No cause stands out; the strongest candidate is infrastructure at confidence 0.08.", result.Summary);
    }

    [Fact]
    public void No_signals_give_unknown_with_zero_confidence()
    {
        var result = RootCauseRanker.Rank(new RcaInput(AlertAt));

        Assert.Equal(CauseKind.Unknown, result.PrimaryCause);
        Assert.Equal(0, result.PrimaryConfidence);
        Assert.Empty(result.Candidates);
    }

    [Fact]
    public void Signal_without_any_measurement_adds_no_candidate()
    {
        var result = RootCauseRanker.Rank(new RcaInput(AlertAt, Infrastructure: new InfrastructureSignal(), DataQuality: new DataQualitySignal()));

        Assert.Empty(result.Candidates);
    }

    [Fact]
    public void Ties_rank_the_more_actionable_cause_first()
    {
        // Deployment within the hour: σ(−2 + 4) = σ(2). Drift share 0.1 → 0.3 (z = 2) starting 5 minutes before:
        // σ(1.5 × 0 + 2) = σ(2). Equal confidence; the deployment comes first (CauseKind order).
        var input = new RcaInput(
            AlertAt,
            DataDrift: new DataDriftSignal(new SignalChange(0.3, 0.1), [], AlertAt.AddMinutes(-5)),
            Deployment: new DeploymentSignal("v7", AlertAt.AddMinutes(-5)));

        var result = RootCauseRanker.Rank(input);

        Assert.Equal(result.Candidates[0].Confidence, result.Candidates[1].Confidence, 12);
        Assert.Equal(CauseKind.ModelVersionChange, result.PrimaryCause);
    }

    [Fact]
    public void Traffic_drop_counts_like_a_rise()
    {
        // 120 → 30/min: log2(0.25) = −2, / 0.5 = −4, both ways → z = 4 → σ(1.5 × 2) = σ(3) = 0.9526. 120 → 480 is the same.
        var drop = RootCauseRanker.Rank(new RcaInput(AlertAt, Traffic: new TrafficSignal(new SignalChange(30, 120))));
        var rise = RootCauseRanker.Rank(new RcaInput(AlertAt, Traffic: new TrafficSignal(new SignalChange(480, 120))));

        Assert.Equal(0.9526, drop.PrimaryConfidence, 4);
        Assert.Equal(drop.PrimaryConfidence, rise.PrimaryConfidence, 12);
        Assert.Equal("Request rate 30/min against a baseline of 120/min (×0.25).", drop.Candidates[0].Evidence[0]);
    }

    [Fact]
    public void Traffic_stopping_entirely_is_the_largest_change()
    {
        var stopped = RootCauseRanker.Rank(new RcaInput(AlertAt, Traffic: new TrafficSignal(new SignalChange(0, 120))));

        Assert.Equal(RcaScoring.MaxStandardizedChange, stopped.Candidates[0].StandardizedChange);
    }

    [Fact]
    public void Latency_improvement_explains_nothing()
    {
        var faster = RootCauseRanker.Rank(new RcaInput(AlertAt, Infrastructure: new InfrastructureSignal(LatencyP95Ms: new SignalChange(100, 200))));

        Assert.Equal(0, faster.Candidates[0].StandardizedChange);
        Assert.Equal(0.0474, faster.Candidates[0].Confidence, 4); // σ(1.5 × −2) = σ(−3)
    }

    [Fact]
    public void Newly_saturated_cpu_is_notable_however_small_the_step()
    {
        // 85 → 92%: the rise is only 7/15 = 0.47, but crossing 90% makes z at least 2 → σ(0) = 0.5.
        var newly = RootCauseRanker.Rank(new RcaInput(AlertAt, Infrastructure: new InfrastructureSignal(CpuPercent: new SignalChange(92, 85))));

        // 92 → 95% was saturated already: z = 3/15 = 0.2 → σ(1.5 × −1.8) = 0.0630.
        var always = RootCauseRanker.Rank(new RcaInput(AlertAt, Infrastructure: new InfrastructureSignal(CpuPercent: new SignalChange(95, 92))));

        Assert.Equal(0.5, newly.PrimaryConfidence, 12);
        Assert.Equal(CauseKind.Infrastructure, newly.PrimaryCause);
        Assert.EndsWith("(newly saturated).", newly.Candidates[0].Evidence[0]);
        Assert.Equal(0.0630, always.Candidates[0].Confidence, 4);
    }

    [Fact]
    public void Baseline_spread_replaces_the_default_scale()
    {
        // Latency 200 → 260 ms. With a baseline spread of 20 ms: z = 60 / 20 = 3 → σ(1.5) = 0.8176.
        // Without it, by ratio: log2(1.3) / 0.5 = 0.757 → σ(1.5 × −1.243) = 0.1342.
        var withSpread = RootCauseRanker.Rank(new RcaInput(AlertAt, Infrastructure: new InfrastructureSignal(LatencyP95Ms: new SignalChange(260, 200, 20))));
        var byRatio = RootCauseRanker.Rank(new RcaInput(AlertAt, Infrastructure: new InfrastructureSignal(LatencyP95Ms: new SignalChange(260, 200))));

        Assert.Equal(0.8176, withSpread.PrimaryConfidence, 4);
        Assert.Equal(0.1342, byRatio.Candidates[0].Confidence, 4);
    }

    [Fact]
    public void Data_quality_takes_its_worst_rate()
    {
        // Missing 1% → 12%: z = 0.11 / 0.05 = 2.2; out-of-range 0 → 2%: z = 0.4. Max 2.2 → σ(0.3) = 0.5744.
        var quality = new DataQualitySignal(MissingRate: new SignalChange(0.12, 0.01), OutOfRangeRate: new SignalChange(0.02, 0));

        var result = RootCauseRanker.Rank(new RcaInput(AlertAt, DataQuality: quality));

        Assert.Equal(CauseKind.DataQuality, result.PrimaryCause);
        Assert.Equal(2.2, result.Candidates[0].StandardizedChange!.Value, 9);
        Assert.Equal(0.5744, result.PrimaryConfidence, 4);
        Assert.Equal("Missing values in 12% of rows against a baseline of 1%.", result.Candidates[0].Evidence[0]);
    }

    [Fact]
    public void Data_drift_evidence_names_the_top_features_and_actions_use_them()
    {
        var result = RootCauseRanker.Rank(new RcaInput(AlertAt, DataDrift: ModerateDrift));
        var drift = result.Candidates[0];

        Assert.Equal("Dataset drift share 30% against a baseline of 5%.", drift.Evidence[0]);
        Assert.Equal("Most drifted features: age (wasserstein 0.42), income (psi 0.31).", drift.Evidence[1]);
        Assert.Contains("age, income", drift.Actions[0]);
    }

    [Fact]
    public void Prediction_and_target_drift_are_separate_candidates()
    {
        // Prediction PSI 0.02 → 0.32: z = 3 → σ(1.5) = 0.8176, and it is above 0.25.
        // Target PSI 0.01 → 0.06: z = 0.5 → σ(−2.25) = 0.0953.
        var input = new RcaInput(
            AlertAt,
            PredictionDrift: new PsiSignal(new SignalChange(0.32, 0.02)),
            TargetDrift: new PsiSignal(new SignalChange(0.06, 0.01)));

        var result = RootCauseRanker.Rank(input);

        Assert.Equal(CauseKind.PredictionDrift, result.PrimaryCause);
        Assert.Equal(0.8176, result.PrimaryConfidence, 4);
        Assert.Equal(0.0953, Candidate(result, CauseKind.TargetDrift).Confidence, 4);
        Assert.Contains("significant shift", result.Candidates[0].Evidence[0]);
    }

    [Fact]
    public void Deployment_after_the_alert_started_is_not_the_trigger()
    {
        var result = RootCauseRanker.Rank(new RcaInput(AlertAt, Deployment: new DeploymentSignal("v8", AlertAt.AddMinutes(5))));

        Assert.Equal(CauseKind.Unknown, result.PrimaryCause);
        Assert.Equal(0.1192, result.PrimaryConfidence, 4);
        Assert.Equal("Version v8 was deployed 5m after the alert started, so it did not trigger it.", result.Candidates[0].Evidence[0]);
    }

    [Fact]
    public void Confidences_stay_within_zero_and_one_for_extreme_inputs()
    {
        var input = new RcaInput(
            AlertAt,
            DataDrift: new DataDriftSignal(new SignalChange(1, 0), [], AlertAt),
            PredictionDrift: new PsiSignal(new SignalChange(1e300, 0)),
            Infrastructure: new InfrastructureSignal(LatencyP95Ms: new SignalChange(1e300, 1e-300)),
            Traffic: new TrafficSignal(new SignalChange(0, 0)));

        var result = RootCauseRanker.Rank(input);

        Assert.All(result.Candidates, c => Assert.InRange(c.Confidence, 0, 1));
        Assert.All(result.Candidates, c => Assert.InRange(c.StandardizedChange!.Value, 0, RcaScoring.MaxStandardizedChange));
    }

    [Theory]
    [InlineData("predictionDrift.psi.current")]
    [InlineData("infrastructure.cpuPercent.current")]
    [InlineData("dataQuality.missingRate.baseline")]
    [InlineData("traffic.requestsPerMinute.baselineSpread")]
    [InlineData("dataDrift.topFeatures[0].score")]
    [InlineData("deployment.version")]
    public void Bad_signal_values_are_rejected_with_the_field_named(string field)
    {
        var input = field switch
        {
            "predictionDrift.psi.current" => new RcaInput(AlertAt, PredictionDrift: new PsiSignal(new SignalChange(double.NaN, 0.1))),
            "infrastructure.cpuPercent.current" => new RcaInput(AlertAt, Infrastructure: new InfrastructureSignal(CpuPercent: new SignalChange(120, 40))),
            "dataQuality.missingRate.baseline" => new RcaInput(AlertAt, DataQuality: new DataQualitySignal(MissingRate: new SignalChange(0.1, -0.1))),
            "traffic.requestsPerMinute.baselineSpread" => new RcaInput(AlertAt, Traffic: new TrafficSignal(new SignalChange(10, 10, 0))),
            "dataDrift.topFeatures[0].score" => new RcaInput(AlertAt, DataDrift: ModerateDrift with { TopFeatures = [new("age", double.PositiveInfinity, "ks")] }),
            _ => new RcaInput(AlertAt, Deployment: new DeploymentSignal("", AlertAt)),
        };

        var error = Assert.Throws<AnalysisInputException>(() => RootCauseRanker.Rank(input));
        Assert.Equal(field, error.Field);
    }
}
