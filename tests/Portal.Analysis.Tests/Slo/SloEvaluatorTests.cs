using Portal.Analysis.Common;
using Portal.Analysis.Slo;

using static Portal.Analysis.Tests.Slo.SloTestData;

namespace Portal.Analysis.Tests.Slo;

public class SloEvaluatorTests
{
    private const int WindowMinutes = 30 * MinutesPerDay; // 43 200

    private static readonly DateTimeOffset Now = T0.AddDays(30);

    private static readonly SloDefinition ThreeNines = new(SloKind.Availability, 99.9);

    private static readonly SloDefinition TwoNines = new(SloKind.Availability, 99);

    private static BurnRateAlert Alert(SloReport report, string name) => report.Alerts.Single(a => a.Rule.Name == name);

    private static BurnRate Rate(SloReport report, string window) => report.BurnRates.Single(r => r.Window == window);

    [Fact]
    public void Compliance_and_budget_over_a_full_window()
    {
        // 43 200 minutes × 100 events = 4 320 000 events. The first 216 minutes have 10 bad events each: 2 160 bad.
        // Compliance = 100 × (4 320 000 − 2 160) / 4 320 000 = 99.95%.
        // Budget = 0.001 × 4 320 000 = 4 320 events; 2 160 consumed = 0.5, so 0.5 (2 160 events) remain.
        var series = Series(T0, WindowMinutes, i => (i < 216 ? 90 : 100, 100));

        var report = SloEvaluator.Evaluate(ThreeNines, series, Now);

        Assert.Equal(SloStatus.Met, report.Status);
        Assert.Equal(4_320_000, report.TotalEvents);
        Assert.Equal(99.95, report.CompliancePercent!.Value, 9);
        Assert.Equal(4320, report.Budget.BudgetEvents, 6);
        Assert.Equal(2160, report.Budget.ConsumedEvents);
        Assert.Equal(2160, report.Budget.RemainingEvents, 6);
        Assert.Equal(0.5, report.Budget.ConsumedFraction!.Value, 9);
        Assert.Equal(0.5, report.Budget.RemainingFraction!.Value, 9);
        Assert.Equal(1.0, report.CoveredFraction);
        Assert.False(report.PartialWindow);
        Assert.Equal("99.95% good against a 99.9% target; 50% of the error budget remains.", report.Message);
    }

    [Fact]
    public void Overspent_budget_goes_negative_and_breaches()
    {
        // Same 4 320 000 events and 4 320-event budget; 432 minutes × 20 bad = 8 640 bad, twice the budget:
        // consumed 2, remaining 1 − 2 = −1, i.e. −4 320 events; compliance 100 × (1 − 8 640 / 4 320 000) = 99.8%.
        var series = Series(T0, WindowMinutes, i => (i < 432 ? 80 : 100, 100));

        var report = SloEvaluator.Evaluate(ThreeNines, series, Now);

        Assert.Equal(SloStatus.Breached, report.Status);
        Assert.Equal(99.8, report.CompliancePercent!.Value, 9);
        Assert.Equal(2.0, report.Budget.ConsumedFraction!.Value, 9);
        Assert.Equal(-1.0, report.Budget.RemainingFraction!.Value, 9);
        Assert.Equal(-4320, report.Budget.RemainingEvents, 6);
        Assert.Contains("overspent", report.Message);
    }

    [Fact]
    public void Compliance_exactly_at_target_meets_it()
    {
        // 1 000 events, 1 bad: exactly 99.9%, which meets a 99.9% target (≥, not >), and spends the whole budget.
        var series = Series(Now.AddMinutes(-1), 1, _ => (999, 1000));

        var report = SloEvaluator.Evaluate(ThreeNines, series, Now);

        Assert.Equal(SloStatus.Met, report.Status);
        Assert.Equal(0.0, report.Budget.RemainingFraction!.Value, 9);
        Assert.StartsWith("99.9% good against a 99.9% target; 0% of the error budget remains.", report.Message);
    }

    [Fact]
    public void No_traffic_gives_no_compliance_not_NaN()
    {
        var report = SloEvaluator.Evaluate(ThreeNines, SloEventSeries.Empty, Now);

        Assert.Equal(SloStatus.NoTraffic, report.Status);
        Assert.Null(report.CompliancePercent);
        Assert.Null(report.Budget.ConsumedFraction);
        Assert.Null(report.Budget.RemainingFraction);
        Assert.Equal(0, report.Budget.BudgetEvents);
        Assert.All(report.BurnRates, r => Assert.Null(r.Rate));
        Assert.All(report.Alerts, a => Assert.False(a.Firing));
        Assert.All(report.BurnDown, p => Assert.Null(p.RemainingFraction));
        Assert.Equal(0, report.CoveredFraction);
        Assert.StartsWith("No events in the 30-day window, so compliance is undefined.", report.Message);
    }

    [Fact]
    public void Minutes_with_zero_totals_count_as_no_traffic()
    {
        // The series reaches the whole window, but every minute is (0, 0): covered, yet still no events.
        var report = SloEvaluator.Evaluate(ThreeNines, Series(T0, WindowMinutes, _ => (0, 0)), Now);

        Assert.Equal(SloStatus.NoTraffic, report.Status);
        Assert.Equal(1.0, report.CoveredFraction);
    }

    [Fact]
    public void Target_100_percent_without_bad_events_is_met_with_a_zero_budget()
    {
        var report = SloEvaluator.Evaluate(new SloDefinition(SloKind.ErrorRate, 100), Series(T0, WindowMinutes, _ => (10, 10)), Now);

        Assert.Equal(SloStatus.Met, report.Status);
        Assert.Equal(100, report.CompliancePercent);
        Assert.Equal(0, report.Budget.BudgetEvents);
        Assert.Null(report.Budget.RemainingFraction);
        Assert.All(report.Alerts, a => Assert.False(a.Firing));
        Assert.Contains("zero budget is intact", report.Message);
    }

    [Fact]
    public void Target_100_percent_breaches_and_pages_on_a_single_recent_bad_event()
    {
        // One bad event in the last minute lies in every trailing window: with no budget, that is an infinite burn,
        // so all four pairs fire, while the burn rates themselves stay null (no division by zero).
        var series = Series(T0, WindowMinutes, i => (i == WindowMinutes - 1 ? 9 : 10, 10));

        var report = SloEvaluator.Evaluate(new SloDefinition(SloKind.ErrorRate, 100), series, Now);

        Assert.Equal(SloStatus.Breached, report.Status);
        Assert.All(report.BurnRates, r => Assert.Null(r.Rate));
        Assert.All(report.Alerts, a => Assert.True(a.Firing));
        Assert.Equal(-1, report.Budget.RemainingEvents);
    }

    [Fact]
    public void Partial_window_reports_coverage()
    {
        // Data for the last 3 of the 30 days: 4 320 of 43 200 minutes = 10% covered; evaluated on what is there.
        var series = Series(Now.AddDays(-3), 3 * MinutesPerDay, _ => (100, 100));

        var report = SloEvaluator.Evaluate(ThreeNines, series, Now);

        Assert.Equal(0.1, report.CoveredFraction, 12);
        Assert.True(report.PartialWindow);
        Assert.Equal(SloStatus.Met, report.Status);
        Assert.EndsWith("The data covers 10% of the 30-day window.", report.Message);
    }

    [Fact]
    public void Minutes_before_the_window_and_after_now_are_ignored()
    {
        // 10 all-bad minutes just before the window start and 10 just after now; 100% good in between.
        var start = Now.AddDays(-30).AddMinutes(-10);
        var series = Series(start, WindowMinutes + 20, i => (i < 10 || i >= WindowMinutes + 10 ? 0 : 100, 100));

        var report = SloEvaluator.Evaluate(ThreeNines, series, Now);

        Assert.Equal(100, report.CompliancePercent);
        Assert.Equal(4_320_000, report.TotalEvents);
    }

    [Fact]
    public void Twenty_eight_day_window_starts_28_days_before_now()
    {
        var report = SloEvaluator.Evaluate(ThreeNines with { WindowDays = 28 }, SloEventSeries.Empty, Now);

        Assert.Equal(Now.AddDays(-28), report.WindowStart);
        Assert.Equal(Now, report.WindowEnd);
    }

    [Fact]
    public void Burn_rate_is_error_ratio_over_allowed_ratio()
    {
        // 99% target: 1% may be bad. Last 5 minutes: 3 bad of 100 each → 15 / 500 = 3% bad → burn 3.
        // Last 30 minutes: the same 15 bad of 3 000 = 0.5% → burn 0.5.
        var series = LastThreeDays(Now, 100, minutesBeforeNow => minutesBeforeNow <= 5 ? 3 : 0);

        var report = SloEvaluator.Evaluate(TwoNines, series, Now);

        Assert.Equal(["5m", "30m", "1h", "2h", "6h", "1d", "3d"], report.BurnRates.Select(r => r.Window));
        Assert.Equal(3.0, Rate(report, "5m").Rate!.Value, 9);
        Assert.Equal(500, Rate(report, "5m").TotalEvents);
        Assert.Equal(0.5, Rate(report, "30m").Rate!.Value, 9);
    }

    [Theory]
    [InlineData(30, new[] { 14.4, 6, 3, 1 })]
    [InlineData(28, new[] { 13.44, 5.6, 2.8, 0.9333333333333333 })] // Sloth's factors for 28 days
    public void Burn_rate_thresholds_scale_with_the_slo_window(int windowDays, double[] expected)
    {
        var report = SloEvaluator.Evaluate(ThreeNines with { WindowDays = windowDays }, SloEventSeries.Empty, Now);

        Assert.Equal(["page-1h", "page-6h", "ticket-1d", "ticket-3d"], report.Alerts.Select(a => a.Rule.Name));
        Assert.All(report.Alerts.Zip(expected), p => Assert.Equal(p.Second, p.First.Rule.Threshold, 12));
    }

    [Fact]
    public void Burn_of_14_pages_on_a_28_day_window_but_not_on_a_30_day_one()
    {
        // 1,000 events a minute, 14 bad a minute in the last hour: 1.4% against a 0.1% budget → burn 14 in 1h and 5m.
        // On 28 days that spends 14 · 1h / 28 d = 2.08% of the budget (the page's 2% line is 13.44); on 30 days 1.94% (14.4).
        var burning = LastThreeDays(Now, 1000, m => m <= 60 ? 14 : 0);

        Assert.True(Alert(SloEvaluator.Evaluate(ThreeNines with { WindowDays = 28 }, burning, Now), "page-1h").Firing);
        Assert.False(Alert(SloEvaluator.Evaluate(ThreeNines, burning, Now), "page-1h").Firing);
    }

    [Fact]
    public void Fast_burn_pair_pages_only_when_both_windows_exceed()
    {
        // 99.9% target, 100 events a minute. 2 bad a minute during the last hour: 1h = 120 / 6 000 = 2% → burn 20,
        // 5m = 10 / 500 = 2% → burn 20; both above 14.4 → page. The 6h pair: 120 / 36 000 → burn 3.33, below 6.
        var burning = LastThreeDays(Now, 100, m => m <= 60 ? 2 : 0);
        var report = SloEvaluator.Evaluate(ThreeNines, burning, Now);
        Assert.Equal(20, Alert(report, "page-1h").LongRate!.Value, 6);
        Assert.True(Alert(report, "page-1h").Firing);
        Assert.Equal("1h burn rate 20 and 5m burn rate 20 are both above 14.4: page", Alert(report, "page-1h").Reason);
        Assert.False(Alert(report, "page-6h").Firing);

        // Recovered: the same burn but the last 5 minutes clean. 1h = 110 / 6 000 → burn 18.3, 5m → 0: no page.
        var recovered = LastThreeDays(Now, 100, m => m is > 5 and <= 60 ? 2 : 0);
        report = SloEvaluator.Evaluate(ThreeNines, recovered, Now);
        Assert.False(Alert(report, "page-1h").Firing);
        Assert.Equal("5m burn rate 0 is not above 14.4", Alert(report, "page-1h").Reason);

        // Blip: 10 bad a minute for the last 5 minutes only. 5m = 50 / 500 → burn 100, 1h = 50 / 6 000 → 8.33: no page.
        var blip = LastThreeDays(Now, 100, m => m <= 5 ? 10 : 0);
        report = SloEvaluator.Evaluate(ThreeNines, blip, Now);
        Assert.Equal(100, Alert(report, "page-1h").ShortRate!.Value, 6);
        Assert.False(Alert(report, "page-1h").Firing);
    }

    [Fact]
    public void Slow_burn_pair_tickets_only_above_threshold_not_at_it()
    {
        // 99% target and exactly 1 bad of 100 every minute: every window burns at exactly 1.0, which is not
        // above the 3d & 6h threshold of 1 (the workbook compares with >).
        var steady = LastThreeDays(Now, 100, _ => 1);
        var report = SloEvaluator.Evaluate(TwoNines, steady, Now);
        Assert.Equal(1.0, Rate(report, "3d").Rate!.Value, 12);
        Assert.False(Alert(report, "ticket-3d").Firing);

        // One more bad event in the last minute tips both 3d and 6h just above 1 → ticket, and only that pair.
        var tipped = LastThreeDays(Now, 100, m => m == 1 ? 2 : 1);
        report = SloEvaluator.Evaluate(TwoNines, tipped, Now);
        Assert.True(Alert(report, "ticket-3d").Firing);
        Assert.Equal(BurnAlertSeverity.Ticket, Alert(report, "ticket-3d").Rule.Severity);
        Assert.False(Alert(report, "ticket-1d").Firing);
        Assert.False(Alert(report, "page-1h").Firing);
    }

    [Fact]
    public void Window_without_traffic_does_not_alert()
    {
        // Half of all events bad until 6 hours ago, then no events at all: the 1d and 3d windows burn at 500,
        // but every short window (5m, 30m, 2h, 6h) is empty, and an empty window exceeds nothing: no pair fires.
        var quiet = Series(Now.AddDays(-3), 3 * MinutesPerDay, i => i < (3 * MinutesPerDay) - 360 ? (50, 100) : (0, 0));

        var report = SloEvaluator.Evaluate(ThreeNines, quiet, Now);

        Assert.Equal(500, Rate(report, "1d").Rate!.Value, 6);
        Assert.Null(Rate(report, "6h").Rate);
        Assert.All(report.Alerts, a => Assert.False(a.Firing));
        Assert.Equal("1h window has no events; 5m window has no events", Alert(report, "page-1h").Reason);

    }

    [Fact]
    public void Burn_down_starts_full_and_ends_at_the_remaining_budget()
    {
        // 99% target, 100 events a minute: budget = 0.01 × 4 320 000 = 43 200 events. Day 10 holds 432 minutes with
        // 50 bad each = 21 600 bad, half the budget. Daily points: day 0 .. day 29 and now = 31 points.
        // Points up to day 10 see none of it (1.0); from day 11 on, 1 − 21 600 / 43 200 = 0.5.
        var series = Series(T0, WindowMinutes, i => (i >= 10 * MinutesPerDay && i < (10 * MinutesPerDay) + 432 ? 50 : 100, 100));

        var report = SloEvaluator.Evaluate(TwoNines, series, Now, burnDownStep: TimeSpan.FromDays(1));

        Assert.Equal(31, report.BurnDown.Count);
        Assert.Equal(T0, report.BurnDown[0].At);
        Assert.Equal(Now, report.BurnDown[^1].At);
        Assert.Equal(1.0, report.BurnDown[10].RemainingFraction!.Value, 12);
        Assert.Equal(0.5, report.BurnDown[11].RemainingFraction!.Value, 12);
        Assert.Equal(21_600, report.BurnDown[11].ConsumedEvents);
        Assert.Equal(report.Budget.RemainingFraction!.Value, report.BurnDown[^1].RemainingFraction!.Value, 12);
    }

    [Fact]
    public void Burn_down_step_under_a_minute_is_rejected()
    {
        var error = Assert.Throws<AnalysisInputException>(
            () => SloEvaluator.Evaluate(ThreeNines, SloEventSeries.Empty, Now, burnDownStep: TimeSpan.FromSeconds(10)));
        Assert.Equal("burnDownStep", error.Field);
    }

    [Fact]
    public void Alert_rule_with_unknown_window_is_rejected()
    {
        BurnRateAlertRule[] rules = [new("odd", BurnAlertSeverity.Page, "4h", "5m", 10)];

        var error = Assert.Throws<AnalysisInputException>(
            () => SloEvaluator.Evaluate(ThreeNines, SloEventSeries.Empty, Now, alertRules: rules));
        Assert.Equal("alertRules[0].longWindow", error.Field);
    }

    [Fact]
    public void Alert_rule_with_NaN_threshold_is_rejected()
    {
        BurnRateAlertRule[] rules = [new("odd", BurnAlertSeverity.Page, "1h", "5m", double.NaN)];

        var error = Assert.Throws<AnalysisInputException>(
            () => SloEvaluator.Evaluate(ThreeNines, SloEventSeries.Empty, Now, alertRules: rules));
        Assert.Equal("alertRules[0].threshold", error.Field);
    }

    [Theory]
    [InlineData(0, "targetPercent")]
    [InlineData(100.01, "targetPercent")]
    [InlineData(double.NaN, "targetPercent")]
    public void Target_out_of_range_is_rejected(double target, string field)
    {
        var error = Assert.Throws<AnalysisInputException>(
            () => SloEvaluator.Evaluate(new SloDefinition(SloKind.Availability, target), SloEventSeries.Empty, Now));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Window_other_than_28_or_30_days_is_rejected()
    {
        var error = Assert.Throws<AnalysisInputException>(() => new SloDefinition(SloKind.Availability, 99, WindowDays: 7).Validate());
        Assert.Equal("windowDays", error.Field);
    }

    [Fact]
    public void Latency_slo_needs_a_bound_and_throughput_slo_a_rate()
    {
        Assert.Equal("latencyBoundMs", Assert.Throws<AnalysisInputException>(() => new SloDefinition(SloKind.Latency, 99).Validate()).Field);
        Assert.Equal(
            "minRequestsPerMinute",
            Assert.Throws<AnalysisInputException>(() => new SloDefinition(SloKind.Throughput, 99, MinRequestsPerMinute: 0).Validate()).Field);
        new SloDefinition(SloKind.Latency, 99, LatencyBoundMs: 300).Validate();
    }
}
