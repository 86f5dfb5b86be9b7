using Portal.Analysis.Alerting;
using Portal.Analysis.Common;

namespace Portal.Analysis.Tests.Alerting;

public class NotificationSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // group wait 30s, group interval 5m, repeat interval 4h, resolved notifications on.
    private static readonly NotificationTiming Timing = NotificationTiming.Default;

    private static readonly NotificationGroupKey Key = new("churn", AlertSeverity.Warning);

    private static readonly AlertIdentity Latency = new("latency", "churn", AlertSeverity.Warning);

    private static readonly AlertIdentity Errors = new("error-rate", "churn", AlertSeverity.Warning);

    private static NotificationDecision Decide(NotificationGroupState state, DateTimeOffset now, params AlertSnapshot[] alerts) =>
        NotificationScheduler.Decide(state, alerts, Timing, now);

    /// <summary>A group created at T0 whose first notification (latency firing) went out at T0 + 30s.</summary>
    private static NotificationGroupState NotifiedLatency()
    {
        var first = Decide(NotificationGroupState.Start(Key, T0), T0.AddSeconds(30), new AlertSnapshot(Latency, AlertState.Firing));
        Assert.True(first.Notify);
        return first.State;
    }

    [Fact]
    public void First_notification_waits_for_group_wait()
    {
        var state = NotificationGroupState.Start(Key, T0);
        var latency = new AlertSnapshot(Latency, AlertState.Firing);

        var early = Decide(state, T0.AddSeconds(10), latency);
        Assert.False(early.Notify);
        Assert.Equal(T0.AddSeconds(30), early.NextFlushAt);
        Assert.StartsWith("within the group wait", early.Reason);

        // At 30s both alerts that arrived in the meantime go out in one notification.
        var due = Decide(early.State, T0.AddSeconds(30), latency, new AlertSnapshot(Errors, AlertState.Firing));
        Assert.True(due.Notify);
        Assert.Equal(2, due.Firing.Count);
        Assert.Equal("first notification for the group: 2 firing", due.Reason);
        Assert.Equal(T0.AddSeconds(30).AddMinutes(5), due.NextFlushAt);
    }

    [Fact]
    public void New_firing_alert_waits_for_group_interval_then_notifies()
    {
        var state = NotifiedLatency();
        AlertSnapshot[] both = [new(Latency, AlertState.Firing), new(Errors, AlertState.Firing)];

        // Error-rate fires at +2m: within the 5-minute group interval since the flush at +30s, so not yet.
        Assert.False(NotificationScheduler.Decide(state, both, Timing, T0.AddMinutes(2)).Notify);

        var due = NotificationScheduler.Decide(state, both, Timing, T0.AddSeconds(30).AddMinutes(5));
        Assert.True(due.Notify);
        Assert.Equal("a firing alert the last notification did not report", due.Reason);
    }

    [Fact]
    public void Unchanged_group_repeats_only_after_repeat_interval()
    {
        var state = NotifiedLatency();
        var latency = new AlertSnapshot(Latency, AlertState.Firing);

        // Flush at +5m30s: nothing changed, 4h repeat not yet due.
        var quiet = Decide(state, T0.AddSeconds(30).AddMinutes(5), latency);
        Assert.False(quiet.Notify);
        Assert.Equal($"nothing changed; repeat due at {T0.AddSeconds(30).AddHours(4):O}", quiet.Reason);

        // Flush at +4h30s: exactly 4h since the notification at +30s → repeat.
        var repeat = Decide(quiet.State, T0.AddSeconds(30).AddHours(4), latency);
        Assert.True(repeat.Notify);
        Assert.Equal("nothing changed, repeated after the repeat interval 4h", repeat.Reason);
    }

    [Fact]
    public void Acknowledged_group_is_not_repeated_but_a_resolve_still_notifies()
    {
        var state = NotifiedLatency();

        var acknowledged = Decide(state, T0.AddHours(5), new AlertSnapshot(Latency, AlertState.Firing, Acknowledged: true));
        Assert.False(acknowledged.Notify);
        Assert.Equal("nothing changed and every firing alert is acknowledged: no repeat", acknowledged.Reason);

        var resolved = Decide(acknowledged.State, T0.AddHours(6), new AlertSnapshot(Latency, AlertState.Resolved, Acknowledged: true));
        Assert.True(resolved.Notify);
        Assert.Equal("all alerts resolved", resolved.Reason);
        Assert.Single(resolved.Resolved);
    }

    [Fact]
    public void Resolved_alert_notifies_while_others_still_fire()
    {
        var first = Decide(NotificationGroupState.Start(Key, T0), T0.AddSeconds(30), new AlertSnapshot(Latency, AlertState.Firing), new AlertSnapshot(Errors, AlertState.Firing));

        var decision = Decide(first.State, T0.AddMinutes(10), new AlertSnapshot(Latency, AlertState.Firing), new AlertSnapshot(Errors, AlertState.Resolved));

        Assert.True(decision.Notify);
        Assert.Equal("an alert resolved since the last notification", decision.Reason);
    }

    [Fact]
    public void Without_send_resolved_a_resolve_is_silent_but_a_refire_is_news()
    {
        var timing = Timing with { SendResolved = false };
        var state = NotifiedLatency();

        var resolved = NotificationScheduler.Decide(state, [new(Latency, AlertState.Resolved)], timing, T0.AddMinutes(10));
        Assert.False(resolved.Notify);
        Assert.Equal("all alerts resolved; resolved notifications are off", resolved.Reason);
        Assert.Empty(resolved.State.NotifiedFiring);

        // The same alert (same fingerprint) fires again: it was forgotten, so it is notified as new.
        var again = NotificationScheduler.Decide(resolved.State, [new(Latency, AlertState.Firing)], timing, T0.AddMinutes(20));
        Assert.True(again.Notify);
        Assert.Equal("a firing alert the last notification did not report", again.Reason);
    }

    [Fact]
    public void Group_with_only_pending_alerts_sends_nothing()
    {
        var decision = Decide(NotificationGroupState.Start(Key, T0), T0.AddMinutes(1), new AlertSnapshot(Latency, AlertState.Pending));

        Assert.False(decision.Notify);
        Assert.Equal("nothing firing, and nothing notified before", decision.Reason);
        Assert.Equal(T0.AddMinutes(1), decision.State.LastFlushAt);
    }

    [Fact]
    public void Alerts_are_grouped_by_model_and_severity()
    {
        AlertSnapshot[] alerts =
        [
            new(Latency, AlertState.Firing),
            new(new AlertIdentity("latency", "churn", AlertSeverity.Critical), AlertState.Firing),
            new(Errors, AlertState.Firing),
            new(new AlertIdentity("latency", "fraud", AlertSeverity.Warning), AlertState.Firing),
        ];

        var groups = NotificationScheduler.Group(alerts);

        Assert.Equal(3, groups.Count);
        Assert.Equal(2, groups[Key].Count); // churn warnings: latency and error-rate
    }

    [Fact]
    public void Grouping_by_model_puts_every_severity_and_rule_of_a_model_in_one_group()
    {
        AlertSnapshot[] alerts =
        [
            new(Latency, AlertState.Firing),
            new(new AlertIdentity("latency", "churn", AlertSeverity.Critical), AlertState.Firing),
            new(new AlertIdentity("latency", "fraud", AlertSeverity.Warning), AlertState.Firing),
        ];

        var groups = NotificationScheduler.Group(alerts, ["model"]);

        Assert.Equal(["churn", "fraud"], groups.Keys.Select(k => k.Value));
        var churn = groups.Keys.First();
        Assert.Equal(2, groups[churn].Count);
        Assert.Equal([new KeyValuePair<string, string>("model", "churn")], churn.Labels);
        var decision = NotificationScheduler.Decide(NotificationGroupState.Start(churn, T0), groups[churn], Timing, T0.AddSeconds(30));
        Assert.Equal(2, decision.Firing.Count); // both severities in the group's one notification
    }

    [Fact]
    public void A_group_name_is_unambiguous_and_parses_back_to_its_labels()
    {
        var slash = NotificationGroupKey.Of(new AlertIdentity("SLO churn/availability page", "churn", AlertSeverity.Critical), ["rule", "severity"]);
        var other = new NotificationGroupKey([new("rule", "SLO churn"), new("severity", "availability page/critical")]);

        Assert.Equal("SLO churn\\/availability page/critical", slash.Value);
        Assert.NotEqual(slash.Value, other.Value);
        Assert.Equal(slash, NotificationGroupKey.Parse(slash.Value, ["rule", "severity"]));
        Assert.Equal(other, NotificationGroupKey.Parse(other.Value, ["rule", "severity"]));
        Assert.Null(NotificationGroupKey.Parse(slash.Value, ["rule"])); // a group of another grouping
        Assert.Equal("churn/warning", new NotificationGroupKey("churn", AlertSeverity.Warning).Value); // the default, as before
    }

    [Fact]
    public void Alert_of_another_group_is_rejected()
    {
        var fraud = new AlertSnapshot(new AlertIdentity("latency", "fraud", AlertSeverity.Warning), AlertState.Firing);

        var error = Assert.Throws<AnalysisInputException>(() => Decide(NotificationGroupState.Start(Key, T0), T0.AddMinutes(1), fraud));
        Assert.Equal("alerts[0]", error.Field);
    }

    [Fact]
    public void Clock_going_backwards_is_rejected()
    {
        var state = NotifiedLatency();

        var error = Assert.Throws<AnalysisInputException>(() => Decide(state, T0, new AlertSnapshot(Latency, AlertState.Firing)));
        Assert.Equal("now", error.Field);
    }
}
