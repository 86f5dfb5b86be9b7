namespace Portal.Web.Tests.Alerting;

/// <summary>
/// A rule's window on per-minute rollups: the rollup of a minute says nothing of when in the minute its predictions
/// came, so the window reads every minute it overlaps. Otherwise a burst in the last seconds of a minute is out of a
/// 1-minute window at the next evaluation (its minute starts more than a minute earlier) and never fires anything.
/// </summary>
public sealed class AlertWindowTests : IDisposable
{
    private readonly AlertingTestHost host = new();

    [Fact]
    public async Task A_burst_of_errors_late_in_a_minute_fires_a_1_minute_rule_at_the_next_evaluation()
    {
        var model = await host.ModelAsync("late-burst");
        var burstMinute = host.BaseTime;
        await host.SeedTrafficAsync(model.Id, burstMinute, minutes: 1, errorRate: 1.0);
        var rule = await host.RuleAsync("LateBurst", model.Name, threshold: 0.5, forDuration: "0s", channels: [], window: "1m");

        // The burst came at 59.9 s of its minute; the next evaluation runs 5 s later.
        await host.EvaluateAsync(burstMinute.AddSeconds(65));

        var alert = (await host.AlertsAsync()).Single(a => a.RuleId == rule.Id);
        Assert.Equal("Firing", alert.State);
        Assert.Equal(1.0, alert.LastValue);
    }

    [Fact]
    public async Task A_1_minute_rule_stops_reading_a_minute_once_the_whole_minute_is_older_than_the_window()
    {
        var model = await host.ModelAsync("old-burst");
        var burstMinute = host.BaseTime;
        await host.SeedTrafficAsync(model.Id, burstMinute, minutes: 1, errorRate: 1.0);
        await host.SeedTrafficAsync(model.Id, burstMinute.AddMinutes(1), minutes: 1, errorRate: 0.0);
        var rule = await host.RuleAsync("OldBurst", model.Name, threshold: 0.5, forDuration: "0s", channels: [], window: "1m");

        await host.EvaluateAsync(burstMinute.AddSeconds(125));

        var alert = (await host.AlertsAsync()).Single(a => a.RuleId == rule.Id);
        Assert.Equal("Inactive", alert.State);
        Assert.Equal(0.0, alert.LastValue);
    }

    public void Dispose() => host.Dispose();
}
