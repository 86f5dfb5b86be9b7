using Portal.Web.Infrastructure.Display;

namespace Portal.Web.Tests.Infrastructure;

public sealed class TimeTextTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(873, "14m 33s")]
    [InlineData(540, "9m")]
    [InlineData(7_500, "2h 05m")]
    [InlineData(7_200, "2h")]
    [InlineData(280_800, "3d 6h")]
    public void Durations_read_in_their_two_largest_units(int seconds, string text) =>
        Assert.Equal(text, TimeText.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Instants_show_in_the_browser_zone_with_utc_to_hover()
    {
        var at = new DateTime(2026, 12, 5, 19, 46, 12, DateTimeKind.Utc);
        Assert.Equal("2026-12-05 20:46", TimeText.Local(at, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")));
        Assert.Equal("2026-12-05 19:46", TimeText.Local(at, null));
        Assert.Equal("2026-12-05 19:46:12 UTC", TimeText.Utc(at));
        Assert.Equal("19:46 UTC", TimeText.UtcTimeOfDay(at, at.AddHours(-2)));
        Assert.Equal("Dec 5 19:46 UTC", TimeText.UtcTimeOfDay(at, at.AddDays(-1)));
    }
}
