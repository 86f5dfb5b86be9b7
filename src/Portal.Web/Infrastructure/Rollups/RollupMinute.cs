namespace Portal.Web.Infrastructure.Rollups;

/// <summary>The rollup minute a time falls in: rollups are keyed by the Unix milliseconds of their minute's start.</summary>
public static class RollupMinute
{
    public static long Of(long timestampMs) => timestampMs - (timestampMs % 60_000);

    public static DateTimeOffset Of(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(Of(time.ToUnixTimeMilliseconds()));
}
