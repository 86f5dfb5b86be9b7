using Portal.Analysis.Slo;

namespace Portal.Analysis.Tests.Slo;

/// <summary>Builds per-minute series for the SLO tests.</summary>
internal static class SloTestData
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const int MinutesPerDay = 24 * 60;

    /// <summary>A series of <paramref name="minutes"/> minutes from <paramref name="start"/>; minute i has <c>events(i)</c>.</summary>
    public static SloEventSeries Series(DateTimeOffset start, int minutes, Func<int, (long Good, long Total)> events)
    {
        var good = new long[minutes];
        var total = new long[minutes];
        for (var i = 0; i < minutes; i++)
        {
            (good[i], total[i]) = events(i);
        }

        return new SloEventSeries(start, good, total);
    }

    /// <summary>
    /// Three days of minutes ending at <paramref name="now"/>, <paramref name="perMinute"/> events each;
    /// <c>bad(minutesBeforeNow)</c> of them bad, where the last minute is 1 minute before now.
    /// </summary>
    public static SloEventSeries LastThreeDays(DateTimeOffset now, long perMinute, Func<int, long> bad)
    {
        const int minutes = 3 * MinutesPerDay;
        return Series(now.AddMinutes(-minutes), minutes, i =>
        {
            var badEvents = bad(minutes - i);
            return (perMinute - badEvents, perMinute);
        });
    }
}
