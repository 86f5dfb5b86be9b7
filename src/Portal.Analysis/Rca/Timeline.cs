using Portal.Analysis.Common;

namespace Portal.Analysis.Rca;

/// <summary>
/// What happened. At equal times the order is this enum's order, which follows cause before effect
/// (a deployment before the drift it causes, pending before firing).
/// </summary>
public enum TimelineEventKind
{
    VersionDeployed,
    DataQualityIssue,
    DriftDetected,
    ResourceSpike,
    TrafficChange,
    AlertPending,
    AlertFiring,
    AlertAcknowledged,
    AlertResolved,
    Note,
}

/// <summary>A timestamped event from any source (deployments, drift runs, alert history, resource samples).</summary>
public sealed record TimelineEvent(DateTimeOffset At, TimelineEventKind Kind, string Title, string? Detail = null);

/// <summary>A timeline row; <paramref name="SinceAlert"/> is the time from the alert's start (negative before it).</summary>
public sealed record TimelineEntry(DateTimeOffset At, TimelineEventKind Kind, string Title, string? Detail, TimeSpan? SinceAlert);

/// <summary>Merges events from several sources into one ordered incident timeline.</summary>
public static class TimelineBuilder
{
    /// <summary>
    /// Orders by instant (offsets compared in UTC), then by <see cref="TimelineEventKind"/>, then by input order.
    /// The same event reported twice (same instant, kind, title and detail) appears once: several sources may report
    /// one deployment. With <paramref name="alertStartedAt"/>, each entry says how long before or after it happened.
    /// </summary>
    public static IReadOnlyList<TimelineEntry> Build(IReadOnlyList<TimelineEvent> events, DateTimeOffset? alertStartedAt = null)
    {
        var order = new List<int>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (string.IsNullOrWhiteSpace(e.Title))
            {
                throw new AnalysisInputException($"events[{i}].title", "must not be empty");
            }

            if (!Enum.IsDefined(e.Kind))
            {
                throw new AnalysisInputException($"events[{i}].kind", $"unknown event kind {(int)e.Kind}");
            }

            order.Add(i);
        }

        // List.Sort is not stable; comparing the input index last makes the order fully determined.
        order.Sort((a, b) =>
        {
            var byTime = events[a].At.UtcDateTime.CompareTo(events[b].At.UtcDateTime);
            if (byTime != 0)
            {
                return byTime;
            }

            var byKind = events[a].Kind.CompareTo(events[b].Kind);
            return byKind != 0 ? byKind : a.CompareTo(b);
        });

        var seen = new HashSet<(DateTime, TimelineEventKind, string, string?)>();
        var entries = new List<TimelineEntry>(events.Count);
        foreach (var index in order)
        {
            var e = events[index];
            if (seen.Add((e.At.UtcDateTime, e.Kind, e.Title, e.Detail)))
            {
                entries.Add(new TimelineEntry(e.At, e.Kind, e.Title, e.Detail, e.At - alertStartedAt));
            }
        }

        return entries;
    }
}
