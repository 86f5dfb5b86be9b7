using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Tests.Dashboards;

public sealed class DriftStatusRuleTests
{
    private static readonly DriftSignals Quiet = new(true, 5, [], DriftSeverity.None);

    [Fact]
    public void Nothing_to_judge_by_is_no_verdict()
    {
        var status = DriftStatusRule.Judge(DriftSignals.None);

        Assert.Equal(HealthLevel.Unknown, status.Level);
        Assert.Equal("No verdict", status.Headline);
    }

    [Fact]
    public void A_run_without_a_verdict_does_not_count_its_features()
    {
        var status = DriftStatusRule.Judge(new DriftSignals(false, 5, [new("amount", 19)], DriftSeverity.Critical));

        Assert.Equal(HealthLevel.Unknown, status.Level);
    }

    [Fact]
    public void No_drifted_feature_and_nothing_else_is_green_with_the_count()
    {
        var status = DriftStatusRule.Judge(Quiet);

        Assert.Equal(HealthLevel.Green, status.Level);
        Assert.Equal("No drift", status.Headline);
        Assert.Equal("0 of 5 features drifted", status.Reason);
    }

    [Theory]
    [InlineData(DriftSeverity.Info)]
    [InlineData(DriftSeverity.None)]
    public void A_drifting_feature_with_low_weight_is_amber_never_green(DriftSeverity runSeverity)
    {
        var status = DriftStatusRule.Judge(Quiet with { Drifted = [new("support_tickets", 22.4)], Severity = runSeverity });

        Assert.Equal(HealthLevel.Amber, status.Level);
        Assert.Equal("Drift", status.Headline);
        Assert.Equal("1 of 5 features drifted — support_tickets 22×", status.Reason);
    }

    [Theory]
    [InlineData(DriftSeverity.Warning, HealthLevel.Amber)]
    [InlineData(DriftSeverity.Critical, HealthLevel.Red)]
    public void The_weighted_run_severity_decides_between_amber_and_red(DriftSeverity runSeverity, HealthLevel expected) =>
        Assert.Equal(expected, DriftStatusRule.Judge(Quiet with { Drifted = [new("a", 2), new("b", 1.5), new("c", 1.2)], Severity = runSeverity }).Level);

    [Fact]
    public void The_reason_names_the_strongest_three_drifted_features()
    {
        var status = DriftStatusRule.Judge(Quiet with { Drifted = [new("a", 1.2), new("b", 3.04), new("c", null), new("d", 15)], Severity = DriftSeverity.Warning });

        Assert.Equal("4 of 5 features drifted — d 15×, b 3.0×, a 1.2×, …", status.Reason);
    }

    [Theory]
    [InlineData(0.05, HealthLevel.Green, "prediction PSI 0.05")]
    [InlineData(0.1, HealthLevel.Amber, "prediction PSI 0.1 moderate")]
    [InlineData(0.2, HealthLevel.Amber, "prediction PSI 0.2 moderate")]
    [InlineData(0.25, HealthLevel.Red, "prediction PSI 0.25 high")]
    [InlineData(0.459, HealthLevel.Red, "prediction PSI 0.46 high")]
    public void Prediction_psi_alone_decides_when_no_feature_drifted(double psi, HealthLevel expected, string text)
    {
        var status = DriftStatusRule.Judge(Quiet with { PredictionPsi = psi });

        Assert.Equal(expected, status.Level);
        Assert.Contains(text, status.Reason);
    }

    [Fact]
    public void Target_drift_counts_like_prediction_drift()
    {
        var status = DriftStatusRule.Judge(Quiet with { PredictionPsi = 0.01, TargetPsi = 0.3 });

        Assert.Equal(HealthLevel.Red, status.Level);
        Assert.Equal("target PSI 0.3 high", status.Reason);
    }

    [Theory]
    [InlineData(true, false, "multivariate drift (PCA)")]
    [InlineData(false, true, "multivariate drift (MMD)")]
    [InlineData(true, true, "multivariate drift (PCA and MMD)")]
    [InlineData(null, true, "multivariate drift (MMD)")]
    public void Multivariate_drift_is_amber(bool? pca, bool? mmd, string text)
    {
        var status = DriftStatusRule.Judge(Quiet with { PcaDrift = pca, MmdDrift = mmd });

        Assert.Equal(HealthLevel.Amber, status.Level);
        Assert.Equal(text, status.Reason);
    }

    [Fact]
    public void Quiet_multivariate_tests_are_green()
    {
        var status = DriftStatusRule.Judge(DriftSignals.None with { PcaDrift = false, MmdDrift = false });

        Assert.Equal(HealthLevel.Green, status.Level);
        Assert.Equal("no multivariate drift", status.Reason);
    }

    [Fact]
    public void Streaming_possible_drift_is_amber_even_without_a_drift_run()
    {
        var status = DriftStatusRule.Judge(DriftSignals.None with { PossibleDriftEvents = 2 });

        Assert.Equal(HealthLevel.Amber, status.Level);
        Assert.Equal("streaming possible drift (2 events)", status.Reason);
    }

    [Fact]
    public void Every_signal_that_is_not_green_is_written_beside_the_level()
    {
        var status = DriftStatusRule.Judge(new DriftSignals(
            true, 5, [new("support_tickets", 22)], DriftSeverity.Info, PredictionPsi: 0.459, TargetPsi: 0.02, PcaDrift: true, MmdDrift: true, PossibleDriftEvents: 1));

        Assert.Equal(HealthLevel.Red, status.Level);
        Assert.Equal(
            "1 of 5 features drifted — support_tickets 22×; prediction PSI 0.46 high; multivariate drift (PCA and MMD); streaming possible drift (1 event)",
            status.Reason);
    }
}
