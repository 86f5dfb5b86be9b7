using Portal.Analysis.Alerting;
using Portal.Analysis.Common;

namespace Portal.Analysis.Tests.Alerting;

public class AlertAcknowledgementTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly AlertRule Rule = new("error-rate", Comparator.GreaterThan, 0.05, TimeSpan.Zero);

    private static AlertInstance Firing(DateTimeOffset at) => AlertStateMachine.Evaluate(Rule, AlertInstance.Inactive, 0.1, at).Instance;

    [Fact]
    public void Firing_alert_can_be_acknowledged()
    {
        var alert = Firing(T0);

        var ack = AlertAcknowledgement.Acknowledge(alert, "ana", T0.AddMinutes(2), "looking");

        Assert.Equal(AcknowledgementStatus.Acknowledged, AlertAcknowledgement.Status(alert, ack));
        Assert.Equal(AcknowledgementStatus.Unacknowledged, AlertAcknowledgement.Status(alert, null));
    }

    [Fact]
    public void Pending_alert_cannot_be_acknowledged()
    {
        var pending = AlertStateMachine.Evaluate(Rule with { For = TimeSpan.FromMinutes(5) }, AlertInstance.Inactive, 0.1, T0).Instance;

        var error = Assert.Throws<AnalysisInputException>(() => AlertAcknowledgement.Acknowledge(pending, "ana", T0));
        Assert.Equal("state", error.Field);
    }

    [Fact]
    public void Acknowledgement_needs_a_name_and_a_time_after_firing()
    {
        var alert = Firing(T0);

        Assert.Equal("by", Assert.Throws<AnalysisInputException>(() => AlertAcknowledgement.Acknowledge(alert, " ", T0)).Field);
        Assert.Equal("at", Assert.Throws<AnalysisInputException>(() => AlertAcknowledgement.Acknowledge(alert, "ana", T0.AddMinutes(-1))).Field);
    }

    [Fact]
    public void Acknowledgement_from_an_earlier_episode_does_not_carry_over()
    {
        // Fires at T0, acknowledged at T0+1m, resolves at T0+2m, fires again at T0+3m: a new incident.
        var first = Firing(T0);
        var ack = AlertAcknowledgement.Acknowledge(first, "ana", T0.AddMinutes(1));
        var resolved = AlertStateMachine.Evaluate(Rule, first, 0.0, T0.AddMinutes(2)).Instance;
        var again = AlertStateMachine.Evaluate(Rule, resolved, 0.1, T0.AddMinutes(3)).Instance;

        Assert.Equal(AcknowledgementStatus.NotFiring, AlertAcknowledgement.Status(resolved, ack));
        Assert.Equal(AcknowledgementStatus.Unacknowledged, AlertAcknowledgement.Status(again, ack));
    }
}
