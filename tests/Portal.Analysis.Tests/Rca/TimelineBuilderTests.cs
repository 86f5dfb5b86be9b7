using Portal.Analysis.Common;
using Portal.Analysis.Rca;

namespace Portal.Analysis.Tests.Rca;

public class TimelineBuilderTests
{
    private static readonly DateTimeOffset AlertAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Timeline_orders_events_by_time_then_cause_before_effect()
    {
        TimelineEvent[] events =
        [
            new(AlertAt.AddMinutes(5), TimelineEventKind.AlertFiring, "Accuracy below 0.8"),
            new(AlertAt, TimelineEventKind.AlertPending, "Accuracy below 0.8"),
            new(AlertAt.AddMinutes(-10), TimelineEventKind.DriftDetected, "Drift share 30%"),
            new(AlertAt.AddMinutes(-10), TimelineEventKind.VersionDeployed, "v7 deployed"),
        ];

        var timeline = TimelineBuilder.Build(events, AlertAt);

        Assert.Equal(
            [TimelineEventKind.VersionDeployed, TimelineEventKind.DriftDetected, TimelineEventKind.AlertPending, TimelineEventKind.AlertFiring],
            timeline.Select(e => e.Kind));
        Assert.Equal(TimeSpan.FromMinutes(-10), timeline[0].SinceAlert);
        Assert.Equal(TimeSpan.FromMinutes(5), timeline[3].SinceAlert);
    }

    [Fact]
    public void Events_in_different_offsets_are_ordered_by_instant()
    {
        // 13:30 at +02:00 is 11:30 UTC, before 12:00 UTC.
        var plusTwo = new DateTimeOffset(2025, 3, 1, 13, 30, 0, TimeSpan.FromHours(2));
        TimelineEvent[] events = [new(AlertAt, TimelineEventKind.AlertPending, "alert"), new(plusTwo, TimelineEventKind.ResourceSpike, "CPU 95%")];

        var timeline = TimelineBuilder.Build(events);

        Assert.Equal("CPU 95%", timeline[0].Title);
        Assert.Null(timeline[0].SinceAlert);
    }

    [Fact]
    public void Same_event_from_two_sources_appears_once()
    {
        TimelineEvent[] events =
        [
            new(AlertAt, TimelineEventKind.VersionDeployed, "v7 deployed", "by CI"),
            new(AlertAt.ToOffset(TimeSpan.FromHours(1)), TimelineEventKind.VersionDeployed, "v7 deployed", "by CI"),
            new(AlertAt, TimelineEventKind.VersionDeployed, "v7 deployed", "by hand"),
        ];

        Assert.Equal(2, TimelineBuilder.Build(events).Count);
    }

    [Fact]
    public void Equal_events_keep_their_input_order()
    {
        TimelineEvent[] events =
        [
            new(AlertAt, TimelineEventKind.Note, "second source note"),
            new(AlertAt, TimelineEventKind.Note, "first source note"),
        ];

        Assert.Equal(["second source note", "first source note"], TimelineBuilder.Build(events).Select(e => e.Title));
    }

    [Fact]
    public void Empty_input_gives_an_empty_timeline()
    {
        Assert.Empty(TimelineBuilder.Build([]));
    }

    [Fact]
    public void Event_without_title_is_rejected()
    {
        TimelineEvent[] events = [new(AlertAt, TimelineEventKind.Note, "ok"), new(AlertAt, TimelineEventKind.Note, " ")];

        Assert.Equal("events[1].title", Assert.Throws<AnalysisInputException>(() => TimelineBuilder.Build(events)).Field);
    }
}
