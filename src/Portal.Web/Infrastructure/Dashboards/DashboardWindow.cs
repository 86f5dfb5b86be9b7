namespace Portal.Web.Infrastructure.Dashboards;

/// <summary>
/// A dashboard window and the bucket its series use: buckets are whole minutes chosen so a series has at most
/// <see cref="MaxPoints"/> points (the rollups are per minute, so buckets are sums of minute rows). A preset window
/// ends now (<see cref="End"/> null); an absolute one (<see cref="Between"/>, from the URL's <c>from</c>/<c>to</c>, or a
/// drag on a chart) ends at <see cref="End"/>.
/// </summary>
public sealed record DashboardWindow(string Key, string Label, TimeSpan Span, DateTimeOffset? End = null)
{
    /// <summary>Key of an absolute window.</summary>
    public const string AbsoluteKey = "absolute";

    /// <summary>The shortest absolute window: one rollup minute.</summary>
    public static readonly TimeSpan MinimumSpan = TimeSpan.FromMinutes(1);

    /// <summary>The longest absolute window (the longest preset).</summary>
    public static readonly TimeSpan MaximumSpan = TimeSpan.FromDays(30);

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

    public bool IsAbsolute => End is not null;

    /// <summary>How texts name it: "the last 1 hour", or "4 Dec 10:00 – 12:00 UTC".</summary>
    public string Phrase => IsAbsolute ? Label : $"the last {Label}";

    /// <summary>The absolute window [<paramref name="from"/>, <paramref name="to"/>], to the whole minute.</summary>
    public static DashboardWindow Between(DateTimeOffset from, DateTimeOffset to)
    {
        from = Rollups.RollupMinute.Of(from);
        to = Rollups.RollupMinute.Of(to);
        var sameDay = from.UtcDateTime.Date == to.UtcDateTime.Date;
        var label = $"{Text(from, "d MMM HH:mm")} – {Text(to, sameDay ? "HH:mm" : "d MMM HH:mm")} UTC";
        return new DashboardWindow(AbsoluteKey, label, to - from, to);
    }

    /// <summary>
    /// The window a page's query asks for: <c>from</c> and <c>to</c> (ISO 8601 or Unix milliseconds, as Grafana writes
    /// them) when both are given, else the preset <paramref name="key"/>. <paramref name="error"/> says why a given range
    /// was not used (the preset is used then).
    /// </summary>
    public static DashboardWindow FromQuery(string? key, string? from, string? to, DateTimeOffset now, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(from) && string.IsNullOrWhiteSpace(to))
        {
            return Parse(key);
        }

        if (!TryParseTime(from, out var start) || !TryParseTime(to, out var end))
        {
            error = "The time range needs both 'from' and 'to', each an ISO 8601 time (2026-12-04T10:00Z) or Unix milliseconds.";
        }
        else if ((error = RangeError(start, end, now)) is null)
        {
            return Between(start, end);
        }

        return Parse(key);
    }

    /// <summary>Why [<paramref name="from"/>, <paramref name="to"/>] cannot be an absolute window, or null when it can.</summary>
    public static string? RangeError(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now) =>
        to - from < MinimumSpan ? "The time range's 'to' must be at least a minute after its 'from'."
        : to - from > MaximumSpan ? $"The time range is longer than {MaximumSpan.TotalDays:0} days."
        : from < new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero) || to > now.AddDays(1) ? "The time range must lie between the year 2000 and tomorrow."
        : null;

    /// <summary>An ISO 8601 time (UTC unless it names an offset), a Plotly axis time ("2026-12-04 10:15:23.5", UTC) or Unix milliseconds.</summary>
    public static bool TryParseTime(string? text, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            if (ms > 253_402_300_799_999)
            {
                return false;
            }

            time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out time);
    }

    /// <summary>Where the window ends: <see cref="End"/>, or now for a preset.</summary>
    public DateTimeOffset EndAt(DateTimeOffset now) => End ?? now;

    /// <summary>Where the window starts, for a window ending at <see cref="EndAt"/>.</summary>
    public DateTimeOffset StartAt(DateTimeOffset now) => EndAt(now) - Span;

    private static string Text(DateTimeOffset t, string format) => t.UtcDateTime.ToString(format, System.Globalization.CultureInfo.InvariantCulture);

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

    /// <summary>The window (a preset ending at <paramref name="now"/>): from the start of its first bucket to its end.</summary>
    public TimeRange At(DateTimeOffset now) => TimeRange.Create(StartAt(now), EndAt(now), Bucket);
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
