using Portal.Analysis.Common;

namespace Portal.Analysis.Slo;

/// <summary>
/// One minute of SLO events, as the job reads it from the rollups: <paramref name="Good"/> of
/// <paramref name="Total"/> events in the minute starting at <paramref name="MinuteStart"/> (on a whole minute).
/// </summary>
public sealed record SloMinute(DateTimeOffset MinuteStart, long Good, long Total);

/// <summary>
/// Consecutive per-minute good/total counts: minute i starts at <see cref="Start"/> + i minutes.
/// Minutes the series does not reach hold no events. Kept as running sums, so any window's counts cost two
/// subtractions, however long the window.
/// </summary>
public sealed class SloEventSeries
{
    /// <summary>Longest series accepted: a year and a day of minutes. A job passes one SLO window (plus 3 days at most).</summary>
    public const int MaxMinutes = 366 * 24 * 60;

    private static readonly long TicksPerMinute = TimeSpan.TicksPerMinute;

    // runningGood[i] = good events of minutes 0 .. i−1; same for runningTotal. Length is minutes + 1.
    private readonly long[] runningGood;
    private readonly long[] runningTotal;

    /// <param name="start">Start of minute 0, on a whole minute.</param>
    /// <param name="good">Good events per minute; 0 ≤ good[i] ≤ total[i].</param>
    /// <param name="total">All events per minute; ≥ 0.</param>
    public SloEventSeries(DateTimeOffset start, IReadOnlyList<long> good, IReadOnlyList<long> total)
    {
        if (start.UtcTicks % TicksPerMinute != 0)
        {
            throw new AnalysisInputException("start", $"{start:O} is not on a whole minute");
        }

        if (good.Count != total.Count)
        {
            throw new AnalysisInputException("good", $"has {good.Count} minutes, total has {total.Count}");
        }

        if (total.Count > MaxMinutes)
        {
            throw new AnalysisInputException("total", $"has {total.Count} minutes; at most {MaxMinutes} are accepted");
        }

        Start = start;
        runningGood = new long[total.Count + 1];
        runningTotal = new long[total.Count + 1];
        for (var i = 0; i < total.Count; i++)
        {
            if (total[i] < 0)
            {
                throw new AnalysisInputException($"total[{i}]", "must not be negative");
            }

            if (good[i] < 0 || good[i] > total[i])
            {
                throw new AnalysisInputException($"good[{i}]", $"must be between 0 and total ({total[i]})");
            }

            runningGood[i + 1] = runningGood[i] + good[i];
            runningTotal[i + 1] = runningTotal[i] + total[i];
        }
    }

    /// <summary>A series without any minute: every window has no events.</summary>
    public static SloEventSeries Empty { get; } = new(DateTimeOffset.UnixEpoch, [], []);

    public DateTimeOffset Start { get; }

    public int Minutes => runningTotal.Length - 1;

    /// <summary>
    /// A series from sparse minutes in strictly increasing order; minutes not listed hold no events.
    /// A minute earlier than or equal to its predecessor is rejected (a clock that went backwards or a duplicate rollup).
    /// </summary>
    public static SloEventSeries FromMinutes(IReadOnlyList<SloMinute> minutes)
    {
        if (minutes.Count == 0)
        {
            return Empty;
        }

        var first = minutes[0].MinuteStart;
        var last = minutes[^1].MinuteStart;
        for (var i = 0; i < minutes.Count; i++)
        {
            var at = minutes[i].MinuteStart;
            if (at.UtcTicks % TicksPerMinute != 0)
            {
                throw new AnalysisInputException($"minutes[{i}].minuteStart", $"{at:O} is not on a whole minute");
            }

            if (i > 0 && at <= minutes[i - 1].MinuteStart)
            {
                throw new AnalysisInputException(
                    $"minutes[{i}].minuteStart",
                    $"{at:O} is not after the previous minute {minutes[i - 1].MinuteStart:O}; minutes must increase");
            }

            if (minutes[i].Total < 0)
            {
                throw new AnalysisInputException($"minutes[{i}].total", "must not be negative");
            }

            if (minutes[i].Good < 0 || minutes[i].Good > minutes[i].Total)
            {
                throw new AnalysisInputException($"minutes[{i}].good", $"must be between 0 and total ({minutes[i].Total})");
            }
        }

        var span = (last - first).Ticks / TicksPerMinute + 1;
        if (span > MaxMinutes)
        {
            throw new AnalysisInputException("minutes", $"span {span} minutes; at most {MaxMinutes} are accepted");
        }

        var good = new long[span];
        var total = new long[span];
        foreach (var minute in minutes)
        {
            var index = (minute.MinuteStart - first).Ticks / TicksPerMinute;
            good[index] = minute.Good;
            total[index] = minute.Total;
        }

        return new SloEventSeries(first, good, total);
    }

    /// <summary>Events of the minutes that start in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public SloCount Between(DateTimeOffset from, DateTimeOffset to)
    {
        var first = IndexAtOrAfter(from);
        var end = Math.Max(first, IndexAtOrAfter(to));
        return new SloCount(runningGood[end] - runningGood[first], runningTotal[end] - runningTotal[first]);
    }

    /// <summary>How many of this series' minutes start in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public int MinutesBetween(DateTimeOffset from, DateTimeOffset to) =>
        Math.Max(0, IndexAtOrAfter(to) - IndexAtOrAfter(from));

    /// <summary>The index of the first minute starting at or after <paramref name="at"/>, clamped to [0, Minutes].</summary>
    private int IndexAtOrAfter(DateTimeOffset at)
    {
        var ticks = at.UtcTicks - Start.UtcTicks;
        if (ticks <= 0)
        {
            return 0;
        }

        if (ticks >= (long)Minutes * TicksPerMinute)
        {
            return Minutes;
        }

        return (int)((ticks + TicksPerMinute - 1) / TicksPerMinute);
    }
}
