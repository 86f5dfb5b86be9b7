using Bunit;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Rollups;
using Portal.Web.Features.Dashboards;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Tests.Dashboards;

/// <summary>The health cards: what they say for given figures (mapping) and how a card renders its level (bUnit).</summary>
public sealed class CardsTests : MudComponentTests
{
    [Fact]
    public void Traffic_card_shows_rate_count_and_the_change_against_last_week()
    {
        var card = HealthCards.Traffic(Traffic(predictions: 1800, lastWeek: 1200, minutes: 60), DashboardWindow.Default);

        Assert.Equal("30/min", card.Value);
        Assert.Equal("average 30/min over the whole 1 hour", card.Aside);
        Assert.Equal("1,800 predictions in 1 hour", card.Detail);
        Assert.Equal("same time last week 20/min (+50%)", card.Note);
        Assert.Equal(HealthLevel.Green, card.Level);
    }

    [Fact]
    public void Traffic_card_shows_the_current_rate_with_the_average_over_the_time_that_has_data_beside_it()
    {
        var window = DashboardWindow.Parse("30d");
        var traffic = Traffic(predictions: 5600, lastWeek: 0, minutes: 20) with { Rates = new TrafficRates(280, 280, 20, false) };

        var card = HealthCards.Traffic(traffic, window);

        Assert.Equal("Request rate (last 5 min)", card.Title);
        Assert.Equal("4.7/s", card.Value);
        Assert.Equal("average 4.7/s over the 20 min with data", card.Aside);
        Assert.Equal("5,600 predictions in 30 days", card.Detail);
    }

    [Fact]
    public void Rates_of_a_model_started_20_minutes_ago_are_not_averaged_over_the_whole_window()
    {
        const long now = 100 * 86_400_000L + 30_000;              // 30 s into a minute
        var windowFrom = now - (30 * 86_400_000L);
        var recentFrom = now - 30_000 - (4 * 60_000);               // the current minute and the 4 before it: 4.5 min

        var rates = TrafficRates.Of(now, windowFrom, firstDataMs: now - (20 * 60_000), windowCount: 2000, recentFrom, recentCount: 900);

        Assert.Equal(900 / 4.5, rates.CurrentPerMinute, 9);
        Assert.Equal(2000 / 20.0, rates.AveragePerMinute, 9);
        Assert.Equal(20, rates.DataMinutes, 9);
        Assert.False(rates.WholeWindow);
    }

    [Fact]
    public void Rates_with_data_from_before_the_window_average_over_the_whole_window()
    {
        const long now = 3_600_000L * 1000;
        var rates = TrafficRates.Of(now, now - 3_600_000, firstDataMs: now - 3_600_000, windowCount: 600, now - 300_000, recentCount: 50);

        Assert.Equal(10, rates.AveragePerMinute, 9);
        Assert.Equal(10, rates.CurrentPerMinute, 9);
        Assert.True(rates.WholeWindow);
    }

    [Fact]
    public void Rates_of_a_model_seconds_old_count_at_least_one_minute()
    {
        const long now = 3_600_000L * 1000;
        var rates = TrafficRates.Of(now, now - 3_600_000, firstDataMs: now - 10_000, windowCount: 5, now - 10_000, recentCount: 5);

        Assert.Equal(5, rates.CurrentPerMinute, 9);
        Assert.Equal(5, rates.AveragePerMinute, 9);
        Assert.Equal(new TrafficRates(0, 0, 0, false), TrafficRates.Of(now, now - 3_600_000, null, 0, now - 10_000, 0));
    }

    [Theory]
    [InlineData(7_500_000L, 7_200_000L, 7_500_000L)]       // the hour row of the first minute's own hour: the minute is more precise
    [InlineData(7_500_000L, 3_600_000L, 3_600_000L)]       // an earlier hour whose minute rows were pruned
    [InlineData(null, 3_600_000L, 3_600_000L)]
    [InlineData(7_500_000L, null, 7_500_000L)]
    public void Data_starts_at_the_first_minute_row_unless_an_earlier_hour_has_data(long? firstMinute, long? firstHour, long expected) =>
        Assert.Equal(expected, HealthDashboard.FirstData(firstMinute, firstHour));

    [Fact]
    public void F1_without_positive_labels_is_a_dash_with_the_reason_not_zero()
    {
        var noPositives = Stats(tp: 0, fp: 3, fn: 0, tn: 7);

        Assert.Equal(0, noPositives.F1);   // the metric itself follows scikit-learn's zero_division=0
        Assert.Equal(("—", "no positive labels (class 1) among 10: recall and F1 are undefined"), HealthCards.F1(noPositives));
        Assert.Equal(("—", "no labels yet"), HealthCards.F1(new QualityStats()));
    }

    [Fact]
    public void F1_with_positive_labels_shows_precision_and_recall_and_says_when_nothing_was_predicted_positive()
    {
        Assert.Equal(("80.0 %", "precision 80.0 % · recall 80.0 %"), HealthCards.F1(Stats(tp: 4, fp: 1, fn: 1, tn: 4)));
        Assert.Equal(("0.0 %", "precision — (nothing predicted positive) · recall 0.0 %"), HealthCards.F1(Stats(tp: 0, fp: 0, fn: 2, tn: 8)));
    }

    [Theory]
    [InlineData("ks", 0.003, 0.05, "p-value 0.003 (smaller is worse; threshold 0.05)")]
    [InlineData("psi", 0.31, 0.1, "0.31 (larger is worse; threshold 0.1)")]
    public void A_drift_score_says_whether_it_is_a_p_value_and_which_side_is_worse(string test, double score, double threshold, string expected) =>
        Assert.Equal(expected, new FeatureDriftScore("f", test, score, threshold, false, DriftSeverity.None, 1).ScoreText);

    [Fact]
    public void Confusion_matrix_title_counts_its_cells_and_says_when_labelled_predictions_are_missing_from_them()
    {
        var matrix = ConfusionMatrix.From([("1", "1", 2), ("0", "0", 1), ("0", "1", 1)]);

        var cut = Context.Render<ConfusionMatrixPanel>(p => p.Add(c => c.Matrix, matrix).Add(c => c.Labelled, 5));

        Assert.Contains("Confusion matrix (4 labelled)", cut.Markup);
        Assert.Contains("1 more labelled prediction(s) have no predicted class", cut.Find("[data-testid=confusion-missing]").TextContent);
        Assert.Empty(Context.Render<ConfusionMatrixPanel>(p => p.Add(c => c.Matrix, matrix).Add(c => c.Labelled, 4)).FindAll("[data-testid=confusion-missing]"));
    }

    private static QualityStats Stats(long tp, long fp, long fn, long tn)
    {
        var stats = new QualityStats();
        stats.Add(new QualityRollup { Version = "v1", Labelled = tp + fp + fn + tn, Correct = tp + tn, TruePositives = tp, FalsePositives = fp, FalseNegatives = fn, TrueNegatives = tn });
        return stats;
    }

    [Fact]
    public void Traffic_card_without_last_week_says_there_is_nothing_to_compare()
    {
        var card = HealthCards.Traffic(Traffic(predictions: 5, lastWeek: 0, minutes: 60), DashboardWindow.Default);

        Assert.Equal("0.08/min", card.Value);
        Assert.Contains("no traffic at the same time last week", card.Note);
        Assert.Equal(HealthLevel.Unknown, card.Level);
    }

    [Fact]
    public void Latency_card_states_the_histogram_error_and_the_slo()
    {
        var traffic = Traffic(100, 100, 60) with
        {
            P50 = 12.3, P95 = 48.2, P99 = 151, LatencyCount = 100,
            Slo = new LatencySlo("p99 fast", 300, 99, 99.62, 0.4), SlowShare = 0.004, LatencyLevel = HealthLevel.Green,
        };

        var card = HealthCards.Latency(traffic);

        Assert.Equal("p95 48.2 ms", card.Value);
        Assert.Equal("p50 12.3 ms · p99 151 ms (±2 %)", card.Detail);
        Assert.Equal("SLO p99 fast: 99 % within 300 ms; 99.6 % within in this window, 99.62 % over the SLO window", card.Note);
    }

    [Fact]
    public void Latency_card_without_slo_shows_percentiles_and_says_how_to_get_a_colour()
    {
        var card = HealthCards.Latency(Traffic(100, 100, 60) with { P50 = 5, P95 = 9, P99 = 20, LatencyCount = 100 });

        Assert.Contains("no latency SLO", card.Note);
        Assert.Equal(HealthLevel.Unknown, card.Level);
    }

    [Fact]
    public void Accuracy_card_shows_coverage_and_the_7_day_baseline()
    {
        var accuracy = new AccuracyHealth(false, 60, 120, 50 / 60.0, 0.9, 500, null, HealthLevel.Red, [], [], []);

        var card = HealthCards.Accuracy(accuracy);

        Assert.Equal("83.3 %", card.Value);
        Assert.Equal("60 labelled (50 % of predictions)", card.Detail);
        Assert.Equal("previous 7 days 90.0 %", card.Note);
    }

    [Theory]
    [InlineData(HealthLevel.Green, "healthy")]
    [InlineData(HealthLevel.Amber, "warning")]
    [InlineData(HealthLevel.Red, "critical")]
    [InlineData(HealthLevel.Unknown, "no verdict")]
    public void Status_card_renders_its_level_as_colour_class_and_as_text(HealthLevel level, string text)
    {
        var cut = Context.Render<StatusCard>(p => p.Add(c => c.Card, new StatusCardModel("card-x", "Error rate", "0.50 %", "5 of 1,000 failed", "note", level)));

        var card = cut.Find("[data-testid=card-x]");
        Assert.Contains($"portal-status-{level.ToString().ToLowerInvariant()}", card.ClassList);
        Assert.Equal(text, cut.Find(".portal-status-label").TextContent);
        Assert.Equal("0.50 %", cut.Find("[data-testid=card-x-value]").TextContent);
        Assert.Equal("5 of 1,000 failed", cut.Find("[data-testid=card-x-detail]").TextContent);
    }

    [Fact]
    public void Active_alerts_panel_says_so_when_there_are_none_and_lists_critical_first()
    {
        var empty = Context.Render<ActiveAlertsPanel>();
        Assert.Contains("No active alerts", empty.Markup);

        var since = new DateTime(2026, 11, 24, 9, 30, 0, DateTimeKind.Utc);
        var cut = Context.Render<ActiveAlertsPanel>(p => p.Add(c => c.Items,
        [
            new ActiveAlertsPanel.Item("Latency p99 over 300 ms", "warning", since),
            new ActiveAlertsPanel.Item("Error rate over 5 %", "critical", since.AddMinutes(5)),
        ]));

        var rows = cut.FindAll("tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("Error rate over 5 %", rows[0].TextContent);
        Assert.Contains("since 2026-11-24 09:30 UTC", rows[1].TextContent);
        Assert.DoesNotContain("No active alerts", cut.Markup);
    }

    [Fact]
    public void Sparkline_draws_a_polyline_scaled_to_the_largest_value()
    {
        Assert.Equal("0,27 50,14 100,1", DashboardCharts.SparklinePoints([0, 5, 10], 100, 28));
        var cut = Context.Render<Sparkline>(p => p.Add(s => s.Values, [0.0, 0.0]));
        Assert.Empty(cut.FindAll("polyline"));   // no traffic: a flat base line instead
    }

    internal static TrafficHealth Traffic(long predictions, long lastWeek, double minutes) => new(
        predictions, lastWeek, new TrafficRates(predictions / minutes, predictions / minutes, minutes, true), lastWeek / minutes, 0, predictions > 0 ? 0 : null, 0, null, null, null, null, null, null,
        StatusRules.Traffic(predictions, lastWeek), HealthLevel.Unknown, HealthLevel.Unknown, [], [], [], [], [], [], []);
}
