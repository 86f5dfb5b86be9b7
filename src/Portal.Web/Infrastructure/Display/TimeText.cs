using System.Globalization;

namespace Portal.Web.Infrastructure.Display;

/// <summary>
/// Times and durations as every page writes them: a duration in its two largest units ("45s", "14m 33s", "2h 05m",
/// "3d 4h"); an instant in one format ("2026-12-05 19:46") in the browser's time zone, with the UTC time to hover
/// (<see cref="Utc"/>); a time of day in UTC when the UTC zone is what matters ("19:46 UTC").
/// </summary>
public static class TimeText
{
    public const string InstantFormat = "yyyy-MM-dd HH:mm";

    public static string Duration(TimeSpan span)
    {
        var seconds = (long)Math.Round(Math.Abs(span.TotalSeconds));
        return seconds switch
        {
            < 60 => $"{seconds}s",
            < 3_600 => Two(seconds / 60, "m", seconds % 60, "s"),
            < 86_400 => Two(seconds / 3_600, "h", seconds % 3_600 / 60, "m"),
            _ => Two(seconds / 86_400, "d", seconds % 86_400 / 3_600, "h"),
        };

        static string Two(long major, string majorUnit, long minor, string minorUnit) =>
            minor == 0 ? $"{major}{majorUnit}" : $"{major}{majorUnit} {minor.ToString(minorUnit == "h" ? "0" : "00", CultureInfo.InvariantCulture)}{minorUnit}";
    }

    /// <summary>The instant in <paramref name="zone"/> (the browser's; UTC until it is known) in the one format.</summary>
    public static string Local(DateTime utc, TimeZoneInfo? zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone ?? TimeZoneInfo.Utc).ToString(InstantFormat, CultureInfo.InvariantCulture);

    /// <summary>The hover text: the same instant in UTC, to the second.</summary>
    public static string Utc(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>"19:46 UTC" today, "Dec 6 19:46 UTC" on another day (as seen from <paramref name="now"/>).</summary>
    public static string UtcTimeOfDay(DateTime utc, DateTime now) =>
        utc.ToString(utc.Date == now.Date ? "HH:mm" : "MMM d HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
