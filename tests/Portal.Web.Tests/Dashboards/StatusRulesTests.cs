using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Dashboards;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Tests.Dashboards;

public sealed class StatusRulesTests
{
    [Theory]
    [InlineData(100, 100, HealthLevel.Green)]
    [InlineData(50, 100, HealthLevel.Green)]
    [InlineData(200, 100, HealthLevel.Green)]
    [InlineData(49, 100, HealthLevel.Amber)]
    [InlineData(201, 100, HealthLevel.Amber)]
    [InlineData(25, 100, HealthLevel.Amber)]
    [InlineData(24, 100, HealthLevel.Red)]
    [InlineData(401, 100, HealthLevel.Red)]
    [InlineData(0, 100, HealthLevel.Red)]
    [InlineData(500, 19, HealthLevel.Unknown)]
    [InlineData(0, 0, HealthLevel.Unknown)]
    public void Traffic_is_judged_against_the_same_window_last_week(long current, long lastWeek, HealthLevel expected) =>
        Assert.Equal(expected, StatusRules.Traffic(current, lastWeek));

    [Theory]
    [InlineData(0, 100, HealthLevel.Green)]
    [InlineData(0, 1000, HealthLevel.Green)]
    [InlineData(9, 1000, HealthLevel.Green)]
    [InlineData(10, 1000, HealthLevel.Amber)]
    [InlineData(49, 1000, HealthLevel.Amber)]
    [InlineData(50, 1000, HealthLevel.Red)]
    [InlineData(0, 0, HealthLevel.Unknown)]
    public void Error_rate_is_green_below_1_percent_and_red_from_5_percent(long errors, long predictions, HealthLevel expected) =>
        Assert.Equal(expected, StatusRules.ErrorRate(errors, predictions));

    [Theory]
    [InlineData(0.01, 99, HealthLevel.Green)]    // exactly the budget
    [InlineData(0.015, 99, HealthLevel.Amber)]   // burning 1.5× the budget
    [InlineData(0.02, 99, HealthLevel.Amber)]
    [InlineData(0.021, 99, HealthLevel.Red)]
    [InlineData(0.0, 100, HealthLevel.Green)]
    [InlineData(0.001, 100, HealthLevel.Red)]
    public void Latency_compares_the_slow_share_with_the_slo_error_budget(double slowShare, double target, HealthLevel expected) =>
        Assert.Equal(expected, StatusRules.Latency(slowShare, target));

    [Fact]
    public void Latency_without_an_slo_or_latencies_has_no_verdict()
    {
        Assert.Equal(HealthLevel.Unknown, StatusRules.Latency(0.5, null));
        Assert.Equal(HealthLevel.Unknown, StatusRules.Latency(null, 99));
    }

    [Theory]
    [InlineData(0.95, 95.0, HealthLevel.Green)]
    [InlineData(0.91, 95.0, HealthLevel.Amber)]
    [InlineData(0.89, 95.0, HealthLevel.Red)]
    public void Accuracy_with_an_slo_uses_its_target(double accuracy, double target, HealthLevel expected) =>
        Assert.Equal(expected, StatusRules.Accuracy(accuracy, 100, target, baseline: 0.5, baselineLabelled: 1000));

    [Theory]
    [InlineData(0.90, 0.92, HealthLevel.Green)]
    [InlineData(0.88, 0.92, HealthLevel.Amber)]
    [InlineData(0.86, 0.92, HealthLevel.Red)]
    [InlineData(0.99, 0.92, HealthLevel.Green)]
    public void Accuracy_without_an_slo_is_judged_against_the_previous_7_days(double accuracy, double baseline, HealthLevel expected) =>
        Assert.Equal(expected, StatusRules.Accuracy(accuracy, 100, null, baseline, 100));

    [Fact]
    public void Accuracy_needs_enough_labels_on_both_sides()
    {
        Assert.Equal(HealthLevel.Unknown, StatusRules.Accuracy(0.1, StatusRules.MinLabelled - 1, 99, 0.9, 1000));
        Assert.Equal(HealthLevel.Unknown, StatusRules.Accuracy(0.1, 1000, null, 0.9, StatusRules.MinLabelled - 1));
        Assert.Equal(HealthLevel.Unknown, StatusRules.Accuracy(0.1, 1000, null, null, 0));
    }

    [Theory]
    [InlineData(1.1, 1.0, HealthLevel.Green)]
    [InlineData(1.2, 1.0, HealthLevel.Amber)]
    [InlineData(1.3, 1.0, HealthLevel.Red)]
    [InlineData(0.5, 1.0, HealthLevel.Green)]
    public void Regression_error_is_judged_by_how_much_the_mae_grew(double mae, double baseline, HealthLevel expected) =>
        Assert.Equal(expected, StatusRules.RegressionError(mae, 100, baseline, 100));

    [Theory]
    [InlineData("Met", 1.0, HealthLevel.Green, "met")]
    [InlineData("Breached", 1.0, HealthLevel.Red, "breached")]
    [InlineData("Breached", 0.0005, HealthLevel.Amber, "breached so far (only 22 min of its 30-day window has data)")]
    [InlineData("Met", 0.1, HealthLevel.Green, "met (only 3 days of its 30-day window has data)")]
    [InlineData("NoTraffic", 1.0, HealthLevel.Unknown, "no traffic")]
    [InlineData(null, 1.0, HealthLevel.Unknown, "not evaluated")]
    public void Slo_verdict_is_one_rule_and_a_breach_before_the_window_has_data_is_only_so_far(string? status, double covered, HealthLevel level, string text) =>
        Assert.Equal((level, text), StatusRules.Slo(status, covered, 30));

    [Fact]
    public void The_latency_card_follows_the_slo_job_verdict_once_it_has_one()
    {
        var slo = new LatencySlo("p99", 300, 99, 98.0, -1.0, "Breached", 0.01, 30);

        Assert.Equal(HealthLevel.Amber, HealthDashboard.LatencyLevel(slo, slowShare: 0.5));           // not red: 7 h of 30 days
        Assert.Equal(HealthLevel.Red, HealthDashboard.LatencyLevel(slo with { CoveredFraction = 1 }, slowShare: 0));
        Assert.Equal(HealthLevel.Red, HealthDashboard.LatencyLevel(slo with { Status = null }, slowShare: 0.5));   // before the job: the window's share
    }

    [Fact]
    public void Alerts_are_red_when_any_is_critical_amber_otherwise_and_green_without()
    {
        Assert.Equal(HealthLevel.Green, StatusRules.Alerts([]));
        Assert.Equal(HealthLevel.Amber, StatusRules.Alerts(["warning", "info"]));
        Assert.Equal(HealthLevel.Red, StatusRules.Alerts(["info", "Critical"]));
    }

    [Fact]
    public void Worst_signal_wins_and_unknown_counts_only_when_nothing_else_is_known()
    {
        Assert.Equal(HealthLevel.Red, StatusRules.Worst(HealthLevel.Green, HealthLevel.Red, HealthLevel.Amber));
        Assert.Equal(HealthLevel.Green, StatusRules.Worst(HealthLevel.Unknown, HealthLevel.Green));
        Assert.Equal(HealthLevel.Unknown, StatusRules.Worst(HealthLevel.Unknown, HealthLevel.Unknown));
        Assert.Equal(HealthLevel.Unknown, StatusRules.Worst([]));
    }
}
