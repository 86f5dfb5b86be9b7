namespace Portal.Web.Infrastructure.Dashboards;

/// <summary>
/// A selectable dashboard window and the bucket its series use: buckets are whole minutes chosen so a series has
/// at most <see cref="MaxPoints"/> points (the rollups are per minute, so buckets are sums of minute rows).
/// </summary>
public sealed record DashboardWindow(string Key, string Label, TimeSpan Span)
{
    public const int MaxPoints = 300;

    /// <summary>Bucket sizes in minutes, smallest first; the first that keeps the series within <see cref="MaxPoints"/> is used.</summary>
    private static readonly int[] BucketMinutes = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

    public static readonly IReadOnlyList<DashboardWindow> All =
    [
        new("15m", "15 min", TimeSpan.FromMinutes(15)),
        new("1h", "1 hour", TimeSpan.FromHours(1)),
        new("6h", "6 hours", TimeSpan.FromHours(6)),
        new("24h", "24 hours", TimeSpan.FromHours(24)),
        new("7d", "7 days", TimeSpan.FromDays(7)),
        new("30d", "30 days", TimeSpan.FromDays(30)),
    ];

    public static DashboardWindow Default => All[1];

    public TimeSpan Bucket => BucketFor(Span);

    public static DashboardWindow Parse(string? key) => All.FirstOrDefault(w => w.Key == key) ?? Default;

    public static TimeSpan BucketFor(TimeSpan span)
    {
        foreach (var minutes in BucketMinutes)
        {
            if (span.TotalMinutes / minutes <= MaxPoints)
            {
                return TimeSpan.FromMinutes(minutes);
            }
        }

        return TimeSpan.FromMinutes(Math.Ceiling(span.TotalMinutes / MaxPoints));
    }

    /// <summary>The window ending at <paramref name="now"/>: from the start of its first bucket to now.</summary>
    public TimeRange At(DateTimeOffset now) => TimeRange.Create(now - Span, now, Bucket);
}

/// <summary>A range of rollup minutes, aligned to <see cref="BucketMs"/> (bucket starts are multiples of it since 1970).</summary>
public sealed record TimeRange(long FromMs, long ToMs, long BucketMs)
{
    public static TimeRange Create(DateTimeOffset from, DateTimeOffset to, TimeSpan bucket)
    {
        var bucketMs = (long)bucket.TotalMilliseconds;
        var fromMs = from.ToUnixTimeMilliseconds();
        return new TimeRange(fromMs - (fromMs % bucketMs), to.ToUnixTimeMilliseconds(), bucketMs);
    }

    public int Buckets => (int)((ToMs - FromMs) / BucketMs) + 1;

    public int BucketOf(long minuteMs) => (int)((minuteMs - FromMs) / BucketMs);

    public DateTime StartOf(int bucket) => DateTime.UnixEpoch.AddMilliseconds(FromMs + (bucket * BucketMs));

    public IReadOnlyList<DateTime> BucketStarts() => [.. Enumerable.Range(0, Buckets).Select(StartOf)];

    public double Minutes => Math.Max(1, (ToMs - FromMs) / 60_000.0);

    /// <summary>The same range shifted back by <paramref name="offset"/> (e.g. a week, for "the same hour last week").</summary>
    public TimeRange ShiftedBack(TimeSpan offset) => this with { FromMs = FromMs - (long)offset.TotalMilliseconds, ToMs = ToMs - (long)offset.TotalMilliseconds };
}
