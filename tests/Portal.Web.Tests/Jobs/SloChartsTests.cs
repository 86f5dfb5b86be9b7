using Portal.Web.Features.Slos;

namespace Portal.Web.Tests.Jobs;

public sealed class SloChartsTests
{
    private static readonly DateTime End = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Burn_down_starts_where_the_data_starts_and_shows_percentages()
    {
        // A 30-day window with hourly points; the data covers the last 3 hours.
        var points = Enumerable.Range(0, 721).Select(h => new SloBurnDownPoint(End.AddHours(h - 720), h < 719 ? 1.0 : 0.4)).ToList();

        var line = SloCharts.BurnDown(points, coveredFraction: 3.0 / (30 * 24), windowDays: 30);

        Assert.Equal(5, line.Times.Count); // from an hour before the data: 08:00 … 12:00
        Assert.Equal("2026-11-24T08:00:00Z", line.Times[0]);
        Assert.Equal([100, 100, 100, 40, 40], line.RemainingPercent);
        Assert.False(line.Overspent);
        Assert.Null(line.Note);
    }

    [Fact]
    public void An_overspent_budget_is_clipped_with_its_real_value_in_a_note()
    {
        var points = new List<SloBurnDownPoint> { new(End.AddHours(-1), 1), new(End, -249) };

        var line = SloCharts.BurnDown(points, coveredFraction: 1, windowDays: 30);

        Assert.Equal([100, SloCharts.Floor], line.RemainingPercent);
        Assert.True(line.Overspent);
        Assert.Equal("overspent: -24900 % (drawn at -100 %)", line.Note);
    }
}
