using Portal.Analysis.Common;

namespace Portal.Analysis.Tests.Alerting;

public sealed class ReasonTextTests
{
    [Theory]
    [InlineData(873_176, "14m 33s")]
    [InlineData(210_176, "3m 30s")]
    [InlineData(300_000, "5m")]
    [InlineData(93_600_000, "1d 2h")]
    [InlineData(250, "250ms")]
    [InlineData(0, "0s")]
    public void Durations_in_reasons_read_like_14m_33s_without_milliseconds(long milliseconds, string text) =>
        Assert.Equal(text, Display.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Times_in_reasons_are_a_utc_time_of_day_with_the_date_only_on_another_day()
    {
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal("19:46 UTC", Display.TimeOfDay(now.AddHours(7).AddMinutes(46), now));
        Assert.Equal("2025-03-02 09:00 UTC", Display.TimeOfDay(now.AddHours(21), now));
    }
}
