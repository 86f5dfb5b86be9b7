using Portal.Analysis.Alerting;

namespace Portal.Analysis.Tests.Alerting;

public class SuppressionTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly AlertIdentity Warning = new("latency", "churn", AlertSeverity.Warning);

    private static readonly AlertIdentity Critical = new("latency", "churn", AlertSeverity.Critical);

    [Fact]
    public void Critical_inhibits_warning_of_same_rule_and_model()
    {
        var critical = new AlertSnapshot(Critical, AlertState.Firing);

        var decision = AlertSuppression.Decide(Warning, [critical, new(Warning, AlertState.Firing)], [], T0);

        Assert.Equal(SuppressionKind.Inhibited, decision.Kind);
        Assert.Same(critical, decision.InhibitedBy);
        Assert.StartsWith("inhibited by the firing critical alert", decision.Reason);
    }

    [Fact]
    public void Critical_of_another_model_or_rule_does_not_inhibit()
    {
        AlertSnapshot[] others =
        [
            new(new AlertIdentity("latency", "fraud", AlertSeverity.Critical), AlertState.Firing),
            new(new AlertIdentity("error-rate", "churn", AlertSeverity.Critical), AlertState.Firing),
        ];

        Assert.Null(AlertSuppression.InhibitedBy(Warning, others));
    }

    [Fact]
    public void Pending_or_resolved_critical_does_not_inhibit()
    {
        Assert.Null(AlertSuppression.InhibitedBy(Warning, [new(Critical, AlertState.Pending)]));
        Assert.Null(AlertSuppression.InhibitedBy(Warning, [new(Critical, AlertState.Resolved)]));
    }

    [Fact]
    public void Critical_is_never_inhibited()
    {
        var otherCritical = new AlertIdentity("latency", "churn", AlertSeverity.Critical, new Dictionary<string, string> { ["host"] = "a" });

        Assert.Null(AlertSuppression.InhibitedBy(Critical, [new(otherCritical, AlertState.Firing)]));
    }

    [Fact]
    public void A_configured_rule_lets_a_model_down_alert_mute_every_other_alert_of_that_model_only()
    {
        var down = new AlertIdentity("ModelDown", "churn", AlertSeverity.Warning, new Dictionary<string, string> { ["alertname"] = "ModelDown" });
        var latency = new AlertIdentity("latency", "churn", AlertSeverity.Critical, new Dictionary<string, string> { ["alertname"] = "HighLatency" });
        var elsewhere = new AlertIdentity("latency", "fraud", AlertSeverity.Critical, new Dictionary<string, string> { ["alertname"] = "HighLatency" });
        InhibitRule[] rules =
        [
            new([new LabelMatcher("alertname", MatchOperator.Equal, "ModelDown")], [new LabelMatcher("alertname", MatchOperator.NotEqual, "ModelDown")], ["model"]),
        ];
        AlertSnapshot[] firing = [new(down, AlertState.Firing), new(latency, AlertState.Firing), new(elsewhere, AlertState.Firing)];

        var decision = AlertSuppression.Decide(latency, firing, [], T0, rules);

        Assert.Equal(SuppressionKind.Inhibited, decision.Kind);
        Assert.Equal(down, decision.InhibitedBy!.Identity);
        Assert.Equal("inhibited by the firing warning alert", decision.Reason[..37]);
        Assert.Null(AlertSuppression.InhibitedBy(elsewhere, firing, rules));
        Assert.Null(AlertSuppression.InhibitedBy(down, firing, rules)); // the source never mutes itself
        Assert.Null(AlertSuppression.InhibitedBy(Warning, [new(Critical, AlertState.Firing)], rules)); // the default is replaced
    }

    [Fact]
    public void Info_is_inhibited_like_warning()
    {
        var info = new AlertIdentity("latency", "churn", AlertSeverity.Info);

        Assert.NotNull(AlertSuppression.InhibitedBy(info, [new(Critical, AlertState.Firing)]));
    }

    [Fact]
    public void Silence_takes_precedence_over_inhibition_in_the_reason()
    {
        var silence = new Silence("s-7", [new LabelMatcher("model", MatchOperator.Equal, "churn")], T0, T0.AddHours(1), Comment: "deploy");

        var decision = AlertSuppression.Decide(Warning, [new(Critical, AlertState.Firing)], [silence], T0);

        Assert.Equal(SuppressionKind.Silenced, decision.Kind);
        Assert.Same(silence, decision.Silence);
        Assert.Equal("silenced by s-7 until 13:00 UTC (deploy)", decision.Reason);
    }

    [Fact]
    public void Alert_without_silence_or_inhibitor_is_not_suppressed()
    {
        var decision = AlertSuppression.Decide(Warning, [new(Warning, AlertState.Firing)], [], T0);

        Assert.False(decision.Suppressed);
        Assert.Equal(SuppressionKind.None, decision.Kind);
    }
}
