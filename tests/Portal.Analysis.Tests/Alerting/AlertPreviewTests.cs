using Portal.Analysis.Alerting;
using Portal.Analysis.Common;

namespace Portal.Analysis.Tests.Alerting;

public class AlertPreviewTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly AlertRule LatencyAbove300 = new("latency-p95", Comparator.GreaterThan, 300, TimeSpan.FromMinutes(5));

    /// <summary>24 hours of 1-minute points; <paramref name="value"/> gives minute i's value.</summary>
    private static List<MetricPoint> Day(Func<int, double?> value)
    {
        var points = new List<MetricPoint>(24 * 60);
        for (var i = 0; i < 24 * 60; i++)
        {
            points.Add(new MetricPoint(T0.AddMinutes(i), value(i)));
        }

        return points;
    }

    [Fact]
    public void Preview_counts_firings_and_total_firing_time()
    {
        // Two breaches: minutes 60 .. 89 (30 minutes) and 600 .. 619 (20 minutes); for = 5m.
        // Episode 1: pending from 60, fires at 65, resolves at 90 (first clear minute): 25 minutes.
        // Episode 2: pending from 600, fires at 605, resolves at 620: 15 minutes. Total 40 minutes.
        var day = Day(i => i is >= 60 and < 90 or >= 600 and < 620 ? 450 : 120);

        var preview = AlertPreview.Replay(LatencyAbove300, day);

        Assert.Equal(2, preview.TimesFired);
        Assert.Equal(TimeSpan.FromMinutes(40), preview.TotalFiringTime);
        Assert.Equal(T0.AddMinutes(65), preview.Episodes[0].FiredAt);
        Assert.Equal(T0.AddMinutes(90), preview.Episodes[0].ResolvedAt);
        Assert.Equal(TimeSpan.FromMinutes(15), preview.Episodes[1].Duration);
        Assert.Equal(6, preview.Transitions.Count); // (pending, firing, resolved) × 2
        Assert.Equal(TimeSpan.FromMinutes((24 * 60) - 1), preview.Span);
        Assert.Equal("Would have fired 2 times, firing for 40m of 23h 59m.", preview.Summary);
    }

    [Fact]
    public void Short_spikes_shorter_than_for_never_fire()
    {
        // 4-minute spikes every hour never hold for 5 minutes: pending, back to inactive, no firing.
        var day = Day(i => i % 60 < 4 ? 450 : 120);

        var preview = AlertPreview.Replay(LatencyAbove300, day);

        Assert.Equal(0, preview.TimesFired);
        Assert.Equal(TimeSpan.Zero, preview.TotalFiringTime);
        Assert.Equal(48, preview.Transitions.Count); // 24 × (inactive → pending, pending → inactive)
    }

    [Fact]
    public void Keep_firing_for_turns_a_flapping_series_into_one_episode()
    {
        // Breaching, with a 1-minute dip every 3 minutes, from minute 0 to 299, then calm.
        var day = Day(i => i < 300 && i % 3 != 2 ? 450 : 120);
        var rule = LatencyAbove300 with { For = TimeSpan.Zero };

        // Without keep-firing-for: one firing per 3-minute cycle, 100 of them.
        Assert.Equal(100, AlertPreview.Replay(rule, day).TimesFired);

        // With 2 minutes: each 1-minute dip is bridged; the last breach is at minute 298, clear from 299,
        // resolved at 301 (clear for 2m). One episode, 0 .. 301 = 301 minutes.
        var steady = AlertPreview.Replay(rule with { KeepFiringFor = TimeSpan.FromMinutes(2) }, day);
        Assert.Equal(1, steady.TimesFired);
        Assert.Equal(TimeSpan.FromMinutes(301), steady.TotalFiringTime);
    }

    [Fact]
    public void Alert_still_firing_at_the_end_counts_until_the_last_point()
    {
        // Breaching from minute 1430 of 1440: fires at 1435, still firing at the last point (1439): 4 minutes.
        var day = Day(i => i >= 1430 ? 450 : 120);

        var preview = AlertPreview.Replay(LatencyAbove300, day);

        Assert.Equal(1, preview.TimesFired);
        Assert.Null(preview.Episodes[0].ResolvedAt);
        Assert.Equal(TimeSpan.FromMinutes(4), preview.TotalFiringTime);
        Assert.EndsWith("and would be firing now.", preview.Summary);
    }

    [Fact]
    public void Empty_series_fires_nothing()
    {
        var preview = AlertPreview.Replay(LatencyAbove300, []);

        Assert.Equal(0, preview.TimesFired);
        Assert.Equal("No data to replay.", preview.Summary);
    }

    [Fact]
    public void Preview_rejects_points_out_of_order()
    {
        List<MetricPoint> points = [new(T0, 1), new(T0.AddMinutes(2), 1), new(T0.AddMinutes(1), 1)];

        var error = Assert.Throws<AnalysisInputException>(() => AlertPreview.Replay(LatencyAbove300, points));
        Assert.Equal("series[2].at", error.Field);
    }
}
