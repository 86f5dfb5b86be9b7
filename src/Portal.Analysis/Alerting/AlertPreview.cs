using Portal.Analysis.Common;

namespace Portal.Analysis.Alerting;

/// <summary>One sample of the metric a rule watches; <see cref="Value"/> null (or NaN) is no data.</summary>
public sealed record MetricPoint(DateTimeOffset At, double? Value);

/// <summary>
/// One firing stretch of a replay. <see cref="ResolvedAt"/> is null when it was still firing at the last point;
/// <see cref="Duration"/> then runs to that point.
/// </summary>
public sealed record FiringEpisode(DateTimeOffset FiredAt, DateTimeOffset? ResolvedAt, TimeSpan Duration);

/// <summary>What a rule would have done over a stretch of history: the alert-fatigue check before saving it.</summary>
/// <param name="TimesFired">Transitions into firing.</param>
/// <param name="TotalFiringTime">Sum of the episodes' durations.</param>
/// <param name="Span">From the first to the last point.</param>
/// <param name="Episodes">Each firing stretch, in order.</param>
/// <param name="Transitions">Every state change with its reason, in order.</param>
/// <param name="Summary">The result in one sentence.</param>
public sealed record AlertPreviewResult(
    int TimesFired,
    TimeSpan TotalFiringTime,
    TimeSpan Span,
    IReadOnlyList<FiringEpisode> Episodes,
    IReadOnlyList<AlertTransition> Transitions,
    string Summary);

/// <summary>Replays <see cref="AlertStateMachine"/> over a metric's history (typically the last 24 hours).</summary>
public static class AlertPreview
{
    /// <summary>
    /// Evaluates <paramref name="rule"/> at every point of <paramref name="series"/>, from an inactive alert, exactly
    /// as the live evaluation would. Points must be in strictly increasing time order.
    /// </summary>
    public static AlertPreviewResult Replay(AlertRule rule, IReadOnlyList<MetricPoint> series)
    {
        rule.Validate();
        if (series.Count == 0)
        {
            return new AlertPreviewResult(0, TimeSpan.Zero, TimeSpan.Zero, [], [], "No data to replay.");
        }

        var instance = AlertInstance.Inactive;
        var transitions = new List<AlertTransition>();
        var episodes = new List<FiringEpisode>();
        for (var i = 0; i < series.Count; i++)
        {
            var point = series[i];
            if (i > 0 && point.At <= series[i - 1].At)
            {
                throw new AnalysisInputException($"series[{i}].at", $"{point.At:O} is not after the previous point {series[i - 1].At:O}");
            }

            var evaluation = AlertStateMachine.Evaluate(rule, instance, point.Value, point.At);
            instance = evaluation.Instance;
            if (evaluation.Transition is not { } transition)
            {
                continue;
            }

            transitions.Add(transition);
            if (transition.To == AlertState.Resolved)
            {
                var firedAt = instance.FiredAt!.Value;
                episodes.Add(new FiringEpisode(firedAt, point.At, point.At - firedAt));
            }
        }

        var end = series[^1].At;
        if (instance.State == AlertState.Firing)
        {
            var firedAt = instance.FiredAt!.Value;
            episodes.Add(new FiringEpisode(firedAt, null, end - firedAt));
        }

        var total = TimeSpan.Zero;
        foreach (var episode in episodes)
        {
            total += episode.Duration;
        }

        var span = end - series[0].At;
        var summary = $"Would have fired {episodes.Count} time{(episodes.Count == 1 ? "" : "s")}, " +
                      $"firing for {Display.Duration(total)} of {Display.Duration(span)}" +
                      (instance.State == AlertState.Firing ? ", and would be firing now." : ".");
        return new AlertPreviewResult(episodes.Count, total, span, episodes, transitions, summary);
    }
}
