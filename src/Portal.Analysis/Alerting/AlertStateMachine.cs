using Portal.Analysis.Common;

namespace Portal.Analysis.Alerting;

/// <summary>Where an alert instance is in its life: Prometheus' inactive → pending → firing, plus resolved.</summary>
public enum AlertState
{
    /// <summary>The condition does not hold (or never has).</summary>
    Inactive,

    /// <summary>The condition holds, but not yet for the rule's <c>For</c> duration.</summary>
    Pending,

    /// <summary>The condition has held for <c>For</c>, or stopped holding less than <c>KeepFiringFor</c> ago.</summary>
    Firing,

    /// <summary>Was firing; the condition has been clear for <c>KeepFiringFor</c>. Pending again when it returns.</summary>
    Resolved,
}

/// <summary>
/// What the state machine remembers about one alert instance (a rule and one label set) between evaluations.
/// Start from <see cref="Inactive"/> and store each evaluation's <see cref="AlertEvaluation.Instance"/>.
/// </summary>
/// <param name="State">The current state.</param>
/// <param name="ActiveAt">Since when the condition has held without a break; null unless pending or firing.</param>
/// <param name="FiredAt">Start of the current (or last) firing episode.</param>
/// <param name="ResolvedAt">End of the last firing episode.</param>
/// <param name="ClearedAt">While firing: the first evaluation at which the condition stopped holding; the keep-firing-for clock.</param>
/// <param name="LastEvaluatedAt">The previous evaluation; the next must be later.</param>
/// <param name="LastValue">The previous value; null for no data.</param>
public sealed record AlertInstance(
    AlertState State,
    DateTimeOffset? ActiveAt,
    DateTimeOffset? FiredAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClearedAt,
    DateTimeOffset? LastEvaluatedAt,
    double? LastValue)
{
    /// <summary>A never-evaluated alert.</summary>
    public static AlertInstance Inactive { get; } = new(AlertState.Inactive, null, null, null, null, null, null);
}

/// <summary>A change of state, at a time, with the reason in words ("value 0.12 > 0.05 for 5m").</summary>
public sealed record AlertTransition(AlertState From, AlertState To, DateTimeOffset At, string Reason);

/// <summary>
/// One evaluation's outcome: the instance to store, the <see cref="Transition"/> if the state changed (null if not),
/// and the <see cref="Reason"/> for the state it is in now.
/// </summary>
public sealed record AlertEvaluation(AlertInstance Instance, AlertTransition? Transition, string Reason);

/// <summary>
/// The alert rule state machine, deterministic and clock-free: the caller passes each evaluation's time and value.
/// <list type="bullet">
/// <item>Condition holds: inactive/resolved → pending (or straight to firing when <c>For</c> is 0);
/// pending → firing once it has held for <c>For</c>; firing stays firing.</item>
/// <item>Condition does not hold: pending → inactive (the for-clock restarts next time); firing stays firing while
/// the condition has been clear for less than <c>KeepFiringFor</c>, then → resolved.</item>
/// <item>No value (null or NaN — NaN is "no data", as a PromQL NaN never meets a condition): handled by the rule's
/// <see cref="NoDataPolicy"/>. ±∞ are real values and compare as numbers.</item>
/// <item>An evaluation not strictly later than the previous one is rejected: a clock going backwards would otherwise
/// shorten or lengthen the for-duration silently.</item>
/// </list>
/// </summary>
public static class AlertStateMachine
{
    /// <summary>Evaluates <paramref name="rule"/> at <paramref name="at"/> with <paramref name="value"/> (null = no data).</summary>
    /// <exception cref="AnalysisInputException">Invalid rule, or <paramref name="at"/> not after the last evaluation (field <c>evaluatedAt</c>).</exception>
    public static AlertEvaluation Evaluate(AlertRule rule, AlertInstance current, double? value, DateTimeOffset at)
    {
        rule.Validate();
        if (current.LastEvaluatedAt is { } last && at <= last)
        {
            throw new AnalysisInputException(
                "evaluatedAt",
                $"{at:O} is not after the previous evaluation at {last:O}; the clock went backwards or the evaluation repeated");
        }

        double? observed = value is { } v && !double.IsNaN(v) ? v : null;
        var evaluated = current with { LastEvaluatedAt = at, LastValue = observed };

        if (observed is null && rule.NoData == NoDataPolicy.KeepState)
        {
            return new AlertEvaluation(evaluated, null, $"no data; stays {Name(current.State)}");
        }

        var holds = observed is { } number ? rule.Holds(number) : rule.NoData == NoDataPolicy.Alert;
        var condition = Condition(rule, observed, holds);
        return holds ? WhenHolding(rule, evaluated, at, condition) : WhenClear(rule, evaluated, at, condition);
    }

    private static AlertEvaluation WhenHolding(AlertRule rule, AlertInstance current, DateTimeOffset at, string condition)
    {
        switch (current.State)
        {
            case AlertState.Inactive or AlertState.Resolved when rule.For == TimeSpan.Zero:
                return Move(current, current with { State = AlertState.Firing, ActiveAt = at, FiredAt = at, ClearedAt = null }, at,
                    $"{condition}; no for-duration, so it fires at once");

            case AlertState.Inactive or AlertState.Resolved:
                return Move(current, current with { State = AlertState.Pending, ActiveAt = at, FiredAt = null, ClearedAt = null }, at,
                    $"{condition}; fires if it holds for {Display.Duration(rule.For)}");

            case AlertState.Pending:
                var held = at - current.ActiveAt!.Value;
                return held >= rule.For
                    ? Move(current, current with { State = AlertState.Firing, FiredAt = at }, at, $"{condition} for {Display.Duration(held)}")
                    : Stay(current, $"{condition} for {Display.Duration(held)} of {Display.Duration(rule.For)}");

            default:
                return Stay(current with { ClearedAt = null }, $"{condition} for {Display.Duration(at - current.ActiveAt!.Value)}");
        }
    }

    private static AlertEvaluation WhenClear(AlertRule rule, AlertInstance current, DateTimeOffset at, string condition)
    {
        switch (current.State)
        {
            case AlertState.Pending:
                var pending = at - current.ActiveAt!.Value;
                return Move(current, current with { State = AlertState.Inactive, ActiveAt = null }, at,
                    $"{condition} after {Display.Duration(pending)} pending, short of the for-duration {Display.Duration(rule.For)}");

            case AlertState.Firing:
                // Prometheus' keep_firing_for: the clock starts at the first evaluation where the condition is clear.
                var clearedAt = current.ClearedAt ?? at;
                var clear = at - clearedAt;
                if (clear < rule.KeepFiringFor)
                {
                    return Stay(current with { ClearedAt = clearedAt },
                        $"{condition} for {Display.Duration(clear)}; keeps firing until clear for {Display.Duration(rule.KeepFiringFor)}");
                }

                var why = rule.KeepFiringFor > TimeSpan.Zero
                    ? $"{condition} for {Display.Duration(clear)}, the keep-firing-for {Display.Duration(rule.KeepFiringFor)} has passed"
                    : condition;
                return Move(current, current with { State = AlertState.Resolved, ActiveAt = null, ClearedAt = null, ResolvedAt = at }, at, why);

            default:
                return Stay(current, condition);
        }
    }

    private static AlertEvaluation Move(AlertInstance from, AlertInstance to, DateTimeOffset at, string reason) =>
        new(to, new AlertTransition(from.State, to.State, at, reason), reason);

    private static AlertEvaluation Stay(AlertInstance current, string reason) => new(current, null, reason);

    private static string Condition(AlertRule rule, double? value, bool holds)
    {
        var threshold = Display.Number(rule.Threshold);
        return value switch
        {
            null when holds => "no data, treated as the condition holding",
            null => "no data",
            { } v when holds => $"value {Display.Number(v)} {rule.Symbol} {threshold}",
            { } v => $"value {Display.Number(v)} is not {rule.Symbol} {threshold}",
        };
    }

    private static string Name(AlertState state) => state.ToString().ToLowerInvariant();
}
