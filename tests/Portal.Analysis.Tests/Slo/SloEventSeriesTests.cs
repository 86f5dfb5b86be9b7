using Portal.Analysis.Common;
using Portal.Analysis.Slo;

using static Portal.Analysis.Tests.Slo.SloTestData;

namespace Portal.Analysis.Tests.Slo;

public class SloEventSeriesTests
{
    [Fact]
    public void Minutes_not_listed_hold_no_events()
    {
        var series = SloEventSeries.FromMinutes([new(T0, 5, 10), new(T0.AddMinutes(3), 7, 7)]);

        // Minutes 0 .. 3, of which 1 and 2 are gaps: 5 + 7 good of 10 + 7.
        Assert.Equal(4, series.Minutes);
        Assert.Equal(new SloCount(12, 17), series.Between(T0, T0.AddMinutes(4)));
        Assert.Equal(new SloCount(0, 0), series.Between(T0.AddMinutes(1), T0.AddMinutes(3)));
    }

    [Fact]
    public void Window_holds_minutes_starting_in_it_half_open()
    {
        var series = Series(T0, 3, _ => (1, 2));

        // [T0 + 30s, T0 + 2m) holds only minute 1: minute 0 starts before it, minute 2 at its (excluded) end.
        Assert.Equal(new SloCount(1, 2), series.Between(T0.AddSeconds(30), T0.AddMinutes(2)));
    }

    [Fact]
    public void Window_entirely_outside_the_series_has_no_events()
    {
        var series = Series(T0, 3, _ => (1, 2));

        Assert.Equal(new SloCount(0, 0), series.Between(T0.AddDays(-2), T0.AddDays(-1)));
        Assert.Equal(new SloCount(0, 0), series.Between(T0.AddDays(1), T0.AddDays(2)));
        Assert.Equal(0, series.MinutesBetween(T0.AddDays(1), T0.AddDays(2)));
    }

    [Fact]
    public void Minutes_going_backwards_are_rejected()
    {
        var error = Assert.Throws<AnalysisInputException>(
            () => SloEventSeries.FromMinutes([new(T0.AddMinutes(5), 1, 1), new(T0, 1, 1)]));
        Assert.Equal("minutes[1].minuteStart", error.Field);
    }

    [Fact]
    public void Duplicate_minute_is_rejected()
    {
        var error = Assert.Throws<AnalysisInputException>(() => SloEventSeries.FromMinutes([new(T0, 1, 1), new(T0, 1, 1)]));
        Assert.Equal("minutes[1].minuteStart", error.Field);
    }

    [Fact]
    public void Minute_not_on_a_whole_minute_is_rejected()
    {
        var error = Assert.Throws<AnalysisInputException>(() => SloEventSeries.FromMinutes([new(T0.AddSeconds(10), 1, 1)]));
        Assert.Equal("minutes[0].minuteStart", error.Field);
    }

    [Fact]
    public void Good_above_total_is_rejected()
    {
        var error = Assert.Throws<AnalysisInputException>(() => new SloEventSeries(T0, [1, 1, 3], [1, 1, 2]));
        Assert.Equal("good[2]", error.Field);
    }

    [Fact]
    public void Negative_total_is_rejected()
    {
        var error = Assert.Throws<AnalysisInputException>(() => SloEventSeries.FromMinutes([new(T0, 0, -1)]));
        Assert.Equal("minutes[0].total", error.Field);
    }

    [Fact]
    public void Series_spanning_more_than_a_year_is_rejected()
    {
        var error = Assert.Throws<AnalysisInputException>(
            () => SloEventSeries.FromMinutes([new(T0, 1, 1), new(T0.AddDays(400), 1, 1)]));
        Assert.Equal("minutes", error.Field);
    }

    [Fact]
    public void Empty_input_gives_an_empty_series()
    {
        var series = SloEventSeries.FromMinutes([]);

        Assert.Equal(0, series.Minutes);
        Assert.Equal(new SloCount(0, 0), series.Between(T0, T0.AddDays(30)));
    }
}
