using Portal.Analysis.Alerting;
using Portal.Analysis.Common;

namespace Portal.Analysis.Tests.Alerting;

public class AlertStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // "error rate above 5% for 5 minutes", evaluated every minute in these tests.
    private static readonly AlertRule ErrorRate = new("error-rate", Comparator.GreaterThan, 0.05, TimeSpan.FromMinutes(5));

    /// <summary>Evaluates <paramref name="values"/> at T0, T0 + 1m, ...; returns every evaluation.</summary>
    private static List<AlertEvaluation> Run(AlertRule rule, params double?[] values)
    {
        var instance = AlertInstance.Inactive;
        var evaluations = new List<AlertEvaluation>();
        for (var i = 0; i < values.Length; i++)
        {
            var evaluation = AlertStateMachine.Evaluate(rule, instance, values[i], T0.AddMinutes(i));
            evaluations.Add(evaluation);
            instance = evaluation.Instance;
        }

        return evaluations;
    }

    private static AlertState[] States(List<AlertEvaluation> evaluations) => evaluations.Select(e => e.Instance.State).ToArray();

    [Fact]
    public void Alert_goes_pending_then_firing_after_for_duration()
    {
        // Breaching from minute 0: pending at 0 .. 4 (held 0 .. 4 minutes), firing at minute 5 (held 5m = for).
        var run = Run(ErrorRate, 0.12, 0.12, 0.12, 0.12, 0.12, 0.12);

        Assert.Equal(
            [AlertState.Pending, AlertState.Pending, AlertState.Pending, AlertState.Pending, AlertState.Pending, AlertState.Firing],
            States(run));
        var fired = run[5].Transition!;
        Assert.Equal(AlertState.Pending, fired.From);
        Assert.Equal(AlertState.Firing, fired.To);
        Assert.Equal(T0.AddMinutes(5), fired.At);
        Assert.Equal("value 0.12 > 0.05 for 5m", fired.Reason);
        Assert.Equal(T0, run[5].Instance.ActiveAt);
        Assert.Equal(T0.AddMinutes(5), run[5].Instance.FiredAt);
        Assert.Equal("value 0.12 > 0.05; fires if it holds for 5m", run[0].Transition!.Reason);
        Assert.Null(run[1].Transition);
        Assert.Equal("value 0.12 > 0.05 for 1m of 5m", run[1].Reason);
    }

    [Fact]
    public void Zero_for_duration_fires_on_the_first_breach()
    {
        var run = Run(ErrorRate with { For = TimeSpan.Zero }, 0.2);

        Assert.Equal(AlertState.Firing, run[0].Instance.State);
        Assert.Equal(AlertState.Inactive, run[0].Transition!.From);
    }

    [Fact]
    public void Pending_alert_returns_to_inactive_when_condition_clears_before_for_duration()
    {
        // Breaching at minutes 0 .. 2, clear at minute 3: pending from 0 to 3, then back to inactive.
        // The next breach (minute 4) starts the for-clock afresh.
        var run = Run(ErrorRate, 0.1, 0.1, 0.1, 0.01, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1);

        Assert.Equal(AlertState.Inactive, run[3].Instance.State);
        Assert.Equal("value 0.01 is not > 0.05 after 3m pending, short of the for-duration 5m", run[3].Transition!.Reason);
        Assert.Null(run[3].Instance.ActiveAt);

        // Breaching again from minute 4: still pending at minute 8 (held 4m), firing at minute 9 (held 5m).
        Assert.Equal(AlertState.Pending, run[8].Instance.State);
        Assert.Equal(AlertState.Firing, run[9].Instance.State);
        Assert.Equal(T0.AddMinutes(4), run[9].Instance.ActiveAt);
    }

    [Fact]
    public void Firing_alert_resolves_when_condition_clears()
    {
        var rule = ErrorRate with { For = TimeSpan.Zero };

        var run = Run(rule, 0.1, 0.02, 0.02);

        Assert.Equal([AlertState.Firing, AlertState.Resolved, AlertState.Resolved], States(run));
        Assert.Equal(T0.AddMinutes(1), run[1].Instance.ResolvedAt);
        Assert.Equal("value 0.02 is not > 0.05", run[1].Transition!.Reason);
        Assert.Null(run[2].Transition);
    }

    [Fact]
    public void Keep_firing_for_prevents_flapping()
    {
        // Value dips below the threshold for 2 minutes at a time; keep-firing-for 3m holds the alert through the dips.
        var rule = ErrorRate with { For = TimeSpan.Zero, KeepFiringFor = TimeSpan.FromMinutes(3) };

        var run = Run(rule, 0.1, 0.01, 0.01, 0.1, 0.01, 0.01, 0.1);

        Assert.All(run, e => Assert.Equal(AlertState.Firing, e.Instance.State));
        Assert.Single(run, e => e.Transition is not null); // only the first inactive → firing
        Assert.Equal("value 0.01 is not > 0.05 for 1m; keeps firing until clear for 3m", run[2].Reason);
        Assert.Null(run[3].Instance.ClearedAt); // the breach at minute 3 restarts the keep-firing clock

        // The same values without keep-firing-for flap: fire, resolve, fire, resolve, fire.
        var flapping = Run(rule with { KeepFiringFor = TimeSpan.Zero }, 0.1, 0.01, 0.01, 0.1, 0.01, 0.01, 0.1);
        Assert.Equal(3, flapping.Count(e => e.Transition?.To == AlertState.Firing));
    }

    [Fact]
    public void Keep_firing_for_resolves_once_clear_for_that_long()
    {
        // Clear from minute 1: the keep-firing clock starts at minute 1; clear for 1m, 2m at minutes 2, 3;
        // at minute 4 it has been clear for 3m = keep-firing-for, so it resolves there.
        var rule = ErrorRate with { For = TimeSpan.Zero, KeepFiringFor = TimeSpan.FromMinutes(3) };

        var run = Run(rule, 0.1, 0.01, 0.01, 0.01, 0.01);

        Assert.Equal(
            [AlertState.Firing, AlertState.Firing, AlertState.Firing, AlertState.Firing, AlertState.Resolved],
            States(run));
        Assert.Equal("value 0.01 is not > 0.05 for 3m, the keep-firing-for 3m has passed", run[4].Transition!.Reason);
    }

    [Fact]
    public void Resolved_alert_goes_pending_again_when_condition_returns()
    {
        var rule = ErrorRate with { For = TimeSpan.FromMinutes(1) };

        // pending (0), firing (1, held 1m), resolved (2), pending (3): a new episode with a new activeAt.
        var run = Run(rule, 0.1, 0.1, 0.0, 0.1);

        Assert.Equal([AlertState.Pending, AlertState.Firing, AlertState.Resolved, AlertState.Pending], States(run));
        Assert.Equal(T0.AddMinutes(3), run[3].Instance.ActiveAt);
        Assert.Equal(T0.AddMinutes(2), run[3].Instance.ResolvedAt);
    }

    [Theory]
    [InlineData(Comparator.GreaterThan, 5.0, false)]
    [InlineData(Comparator.GreaterThan, 5.1, true)]
    [InlineData(Comparator.GreaterOrEqual, 5.0, true)]
    [InlineData(Comparator.GreaterOrEqual, 4.9, false)]
    [InlineData(Comparator.LessThan, 5.0, false)]
    [InlineData(Comparator.LessThan, 4.9, true)]
    [InlineData(Comparator.LessOrEqual, 5.0, true)]
    [InlineData(Comparator.LessOrEqual, 5.1, false)]
    [InlineData(Comparator.Equal, 5.0, true)]
    [InlineData(Comparator.Equal, 5.1, false)]
    [InlineData(Comparator.NotEqual, 5.0, false)]
    [InlineData(Comparator.NotEqual, 4.9, true)]
    [InlineData(Comparator.GreaterThan, double.PositiveInfinity, true)]
    public void Comparator_decides_whether_the_condition_holds(Comparator comparator, double value, bool holds)
    {
        var rule = new AlertRule("r", comparator, 5.0, TimeSpan.Zero);

        var state = Run(rule, value)[0].Instance.State;

        Assert.Equal(holds ? AlertState.Firing : AlertState.Inactive, state);
    }

    [Fact]
    public void Comparator_symbols_appear_in_the_reason()
    {
        var rule = new AlertRule("accuracy", Comparator.LessOrEqual, 0.8, TimeSpan.Zero);

        Assert.StartsWith("value 0.75 ≤ 0.8", Run(rule, 0.75)[0].Reason);
    }

    [Fact]
    public void No_data_with_resolve_policy_resolves_a_firing_alert()
    {
        var run = Run(ErrorRate with { For = TimeSpan.Zero }, 0.1, null);

        Assert.Equal(AlertState.Resolved, run[1].Instance.State);
        Assert.Equal("no data", run[1].Transition!.Reason);
        Assert.Null(run[1].Instance.LastValue);
    }

    [Fact]
    public void No_data_with_keep_state_policy_keeps_a_pending_alert_pending()
    {
        // Pending from minute 0; no data at 1 .. 3 changes nothing; a breach at minute 5 has held 5m since minute 0.
        var rule = ErrorRate with { NoData = NoDataPolicy.KeepState };

        var run = Run(rule, 0.1, null, null, null, 0.1, 0.1);

        Assert.Equal(AlertState.Pending, run[3].Instance.State);
        Assert.Equal("no data; stays pending", run[3].Reason);
        Assert.Equal(AlertState.Firing, run[5].Instance.State);
        Assert.Equal(T0, run[5].Instance.ActiveAt);
    }

    [Fact]
    public void No_data_with_alert_policy_treats_missing_data_as_a_breach()
    {
        // A model that stopped reporting: 5 minutes without data fire the alert like 5 minutes of breach.
        var rule = ErrorRate with { NoData = NoDataPolicy.Alert };

        var run = Run(rule, null, null, null, null, null, null);

        Assert.Equal(AlertState.Firing, run[5].Instance.State);
        Assert.Equal("no data, treated as the condition holding for 5m", run[5].Transition!.Reason);
    }

    [Fact]
    public void NaN_value_is_treated_as_no_data()
    {
        var firing = Run(ErrorRate with { For = TimeSpan.Zero }, 0.1, double.NaN);

        Assert.Equal(AlertState.Resolved, firing[1].Instance.State);
        Assert.Equal("no data", firing[1].Reason);
    }

    [Fact]
    public void Clock_going_backwards_is_rejected()
    {
        var first = AlertStateMachine.Evaluate(ErrorRate, AlertInstance.Inactive, 0.1, T0);

        var error = Assert.Throws<AnalysisInputException>(
            () => AlertStateMachine.Evaluate(ErrorRate, first.Instance, 0.1, T0.AddSeconds(-1)));
        Assert.Equal("evaluatedAt", error.Field);
    }

    [Fact]
    public void Repeated_evaluation_at_the_same_time_is_rejected()
    {
        var first = AlertStateMachine.Evaluate(ErrorRate, AlertInstance.Inactive, 0.1, T0);

        Assert.Throws<AnalysisInputException>(() => AlertStateMachine.Evaluate(ErrorRate, first.Instance, 0.1, T0));
    }

    [Theory]
    [InlineData("threshold")]
    [InlineData("for")]
    [InlineData("keepFiringFor")]
    [InlineData("id")]
    public void Invalid_rule_is_rejected_with_its_field(string field)
    {
        var rule = field switch
        {
            "threshold" => ErrorRate with { Threshold = double.NaN },
            "for" => ErrorRate with { For = TimeSpan.FromMinutes(-1) },
            "keepFiringFor" => ErrorRate with { KeepFiringFor = TimeSpan.FromMinutes(-1) },
            _ => ErrorRate with { Id = " " },
        };

        var error = Assert.Throws<AnalysisInputException>(() => AlertStateMachine.Evaluate(rule, AlertInstance.Inactive, 0.1, T0));
        Assert.Equal(field, error.Field);
    }
}
