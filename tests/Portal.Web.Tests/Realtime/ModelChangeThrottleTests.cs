using Microsoft.Extensions.Time.Testing;
using Portal.Web.Realtime;

namespace Portal.Web.Tests.Realtime;

public sealed class ModelChangeThrottleTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-24T10:00:00Z"));
    private readonly List<(TimeSpan At, ModelChange Change)> emitted = [];
    private readonly DateTimeOffset start;
    private readonly ModelChangeThrottle throttle;

    public ModelChangeThrottleTests()
    {
        start = time.GetUtcNow();
        throttle = new ModelChangeThrottle(time, c => emitted.Add((time.GetUtcNow() - start, c)));
    }

    [Fact]
    public void First_change_of_a_quiet_model_is_emitted_at_once()
    {
        throttle.Publish("fraud", "predictions");

        var (at, change) = Assert.Single(emitted);
        Assert.Equal(TimeSpan.Zero, at);
        Assert.Equal("fraud", change.Model);
        Assert.Equal("predictions", change.What);
    }

    [Fact]
    public void Changes_within_the_second_are_folded_into_one_trailing_event()
    {
        throttle.Publish("fraud", "predictions");
        time.Advance(TimeSpan.FromMilliseconds(100));
        throttle.Publish("fraud", "predictions");
        throttle.Publish("fraud", "labels");
        time.Advance(TimeSpan.FromMilliseconds(500));
        throttle.Publish("fraud", "predictions");
        Assert.Single(emitted);

        time.Advance(TimeSpan.FromMilliseconds(400));

        Assert.Equal(2, emitted.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), emitted[1].At);
        Assert.Equal(["labels", "predictions"], emitted[1].Change.Kinds.Order());
        Assert.True(emitted[1].Change.HasAny("labels"));
    }

    [Fact]
    public void A_steady_stream_gives_at_most_one_event_per_second_and_the_last_change_is_never_lost()
    {
        for (var i = 0; i < 35; i++)
        {
            throttle.Publish("fraud", i == 34 ? "drift" : "predictions");
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        time.Advance(TimeSpan.FromSeconds(5));

        var gaps = emitted.Zip(emitted.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= TimeSpan.FromSeconds(1), gap.ToString()));
        Assert.Equal(5, emitted.Count);   // t = 0 (leading), then 1, 2, 3, 4 s (trailing); the last holds the drift change
        Assert.True(emitted[^1].Change.HasAny("drift"));
    }

    [Fact]
    public void Window_closes_when_nothing_came_so_the_next_change_is_immediate_again()
    {
        throttle.Publish("fraud", "predictions");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(emitted);

        time.Advance(TimeSpan.FromSeconds(3));
        throttle.Publish("fraud", "labels");

        Assert.Equal(2, emitted.Count);
        Assert.Equal(TimeSpan.FromSeconds(4), emitted[1].At);
    }

    [Fact]
    public void Models_are_throttled_independently()
    {
        throttle.Publish("fraud", "predictions");
        throttle.Publish("churn", "predictions");
        throttle.Publish("fraud", "predictions");

        Assert.Equal(["fraud", "churn"], emitted.Select(e => e.Change.Model));
    }
}
