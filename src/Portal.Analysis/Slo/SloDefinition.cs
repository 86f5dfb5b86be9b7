using Portal.Analysis.Common;

namespace Portal.Analysis.Slo;

/// <summary>
/// What an SLO counts. Every kind is reduced to per-minute <em>good</em> and <em>total</em> event counts
/// (<see cref="SloCount"/>); <see cref="SloGoodEvents"/> has one function per kind that turns a minute's rollup
/// into that pair, so the job and the tests use the same definition.
/// </summary>
public enum SloKind
{
    /// <summary>
    /// Event: a request. Good: a request whose latency is at most <see cref="SloDefinition.LatencyBoundMs"/>, counted
    /// from the minute's latency histogram by <see cref="SloGoodEvents.Latency"/>. "p99 latency under 300 ms" is
    /// written as <c>LatencyBoundMs = 300, TargetPercent = 99</c>: at least 99% of requests within 300 ms is the same
    /// statement as the 99th percentile being within 300 ms.
    /// </summary>
    Latency,

    /// <summary>
    /// Event: a request. Good: a request the service answered without a server-side failure (5xx, timeout),
    /// i.e. <c>requests − failed</c> (<see cref="SloGoodEvents.Availability"/>).
    /// </summary>
    Availability,

    /// <summary>
    /// Event: a prediction. Good: a prediction without an error of any kind, including rejected inputs,
    /// i.e. <c>predictions − errors</c> (<see cref="SloGoodEvents.ErrorRate"/>). "Error rate under 1%" is
    /// <c>TargetPercent = 99</c>.
    /// </summary>
    ErrorRate,

    /// <summary>
    /// Event: a prediction that has received its ground-truth label. Good: a labelled prediction that was correct
    /// (<see cref="SloGoodEvents.Accuracy"/>). Counted in the minute the prediction was made, so recent minutes fill
    /// in as late labels arrive; unlabelled predictions are not events.
    /// </summary>
    Accuracy,

    /// <summary>
    /// Event: a minute. Good: a minute with at least <see cref="SloDefinition.MinRequestsPerMinute"/> requests
    /// (<see cref="SloGoodEvents.Throughput"/>). Every minute of the window is an event, so the job must feed minutes
    /// without traffic as (good 0, total 1), not leave them out.
    /// </summary>
    Throughput,
}

/// <summary>
/// An SLO: at least <see cref="TargetPercent"/>% of the events of the last <see cref="WindowDays"/> days are good.
/// </summary>
/// <param name="Kind">What is counted; see <see cref="SloKind"/> for how "good" is derived.</param>
/// <param name="TargetPercent">In (0, 100]. 100 leaves no error budget: every bad event breaches it.</param>
/// <param name="WindowDays">Rolling window: 28 or 30 days.</param>
/// <param name="LatencyBoundMs">Required for <see cref="SloKind.Latency"/>: the latency a good request stays within.</param>
/// <param name="MinRequestsPerMinute">Required for <see cref="SloKind.Throughput"/>: the rate a good minute reaches.</param>
public sealed record SloDefinition(
    SloKind Kind,
    double TargetPercent,
    int WindowDays = 30,
    double? LatencyBoundMs = null,
    double? MinRequestsPerMinute = null)
{
    /// <summary>The windows the burn-rate alert thresholds (14.4, 6, 3, 1) were designed for.</summary>
    public static IReadOnlyList<int> AllowedWindowDays { get; } = [28, 30];

    /// <summary>The share of events allowed to be bad: 1 − target. 0.001 for a 99.9% target.</summary>
    public double AllowedBadFraction => (100 - TargetPercent) / 100;

    public TimeSpan Window => TimeSpan.FromDays(WindowDays);

    /// <summary>Throws <see cref="AnalysisInputException"/> naming the first field that is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new AnalysisInputException("kind", $"unknown SLO kind {(int)Kind}");
        }

        if (!double.IsFinite(TargetPercent) || TargetPercent <= 0 || TargetPercent > 100)
        {
            throw new AnalysisInputException("targetPercent", "must be greater than 0 and at most 100");
        }

        if (!AllowedWindowDays.Contains(WindowDays))
        {
            throw new AnalysisInputException("windowDays", "must be 28 or 30");
        }

        if (Kind == SloKind.Latency && !IsPositive(LatencyBoundMs))
        {
            throw new AnalysisInputException("latencyBoundMs", "a latency SLO needs a positive latency bound");
        }

        if (Kind == SloKind.Throughput && !IsPositive(MinRequestsPerMinute))
        {
            throw new AnalysisInputException("minRequestsPerMinute", "a throughput SLO needs a positive minimum rate");
        }
    }

    private static bool IsPositive(double? value) => value is { } v && double.IsFinite(v) && v > 0;
}
