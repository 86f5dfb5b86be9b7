using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Rollups;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Infrastructure.Rollups;

/// <summary>The columns of a <see cref="PredictionRollup"/> a dashboard reads; histograms only when asked for.</summary>
public sealed record PredictionRow(
    string Version, long MinuteMs, long Count, long Errors, long SchemaViolations,
    long LatencyCount, double LatencySumMs, double LatencyMaxMs, string? LatencyBuckets,
    long ScoreCount, double ScoreSum, string? ScoreBins, string? ClassCounts, long LowConfidence,
    long ValueCount, double ValueSum, double ValueSumSq);

/// <summary>Which histogram columns of the prediction rollups to read (each costs a JSON parse per minute row).</summary>
[Flags]
public enum RollupParts
{
    Counts = 0,
    Latency = 1,
    Scores = 2,
}

/// <summary>Sums of prediction rollup rows: a bucket of a series, or a whole window.</summary>
public sealed class PredictionStats : IRollupSums<PredictionStats, PredictionRow>
{
    public long Count { get; private set; }

    public long Errors { get; private set; }

    public long SchemaViolations { get; private set; }

    public long LatencyCount { get; private set; }

    public double LatencySum { get; private set; }

    public double LatencyMax { get; private set; }

    /// <summary>Latency log-histogram (ms): every value and percentile read from it is within ±2 % (relative).</summary>
    public LogHistogram Latency { get; } = new();

    public long ScoreCount { get; private set; }

    public double ScoreSum { get; private set; }

    public long[] ScoreBins { get; } = new long[ScoreHistogram.Bins];

    public Dictionary<string, long> Classes { get; } = [];

    public long LowConfidence { get; private set; }

    public long ValueCount { get; private set; }

    public double ValueSum { get; private set; }

    public double ValueSumSq { get; private set; }

    public double? ErrorRate => Ratio(Errors, Count);

    public double? LatencyMean => Ratio(LatencySum, LatencyCount);

    /// <summary>Low-confidence share of the successful predictions.</summary>
    public double? LowConfidenceRate => Ratio(LowConfidence, Count - Errors);

    public double? ValueMean => Ratio(ValueSum, ValueCount);

    public double? LatencyQuantile(double q) => Latency.Quantile(q);

    /// <summary>Share of latencies above <paramref name="boundMs"/> (by bucket, so within the histogram's ±2 %).</summary>
    public double? ShareAbove(double boundMs)
    {
        var total = Latency.Count;
        if (total == 0)
        {
            return null;
        }

        long above = 0;
        foreach (var (value, count) in Latency.Buckets())
        {
            if (value > boundMs)
            {
                above += count;
            }
        }

        return (double)above / total;
    }

    public void Add(PredictionRow r)
    {
        Count += r.Count;
        Errors += r.Errors;
        SchemaViolations += r.SchemaViolations;
        LatencyCount += r.LatencyCount;
        LatencySum += r.LatencySumMs;
        LatencyMax = Math.Max(LatencyMax, r.LatencyMaxMs);
        LatencyBucketsReader.MergeInto(Latency, r.LatencyBuckets);

        ScoreCount += r.ScoreCount;
        ScoreSum += r.ScoreSum;
        if (r.ScoreBins is { } scores)
        {
            var bins = ScoreHistogram.FromJson(scores);
            for (var i = 0; i < bins.Length; i++)
            {
                ScoreBins[i] += bins[i];
            }
        }

        if (r.ClassCounts is { } classes)
        {
            TopK.Merge(Classes, TopK.FromJson(classes));
        }

        LowConfidence += r.LowConfidence;
        ValueCount += r.ValueCount;
        ValueSum += r.ValueSum;
        ValueSumSq += r.ValueSumSq;
    }

    /// <summary>Adds another aggregate (histograms included).</summary>
    public void Add(PredictionStats other)
    {
        Count += other.Count;
        Errors += other.Errors;
        SchemaViolations += other.SchemaViolations;
        LatencyCount += other.LatencyCount;
        LatencySum += other.LatencySum;
        LatencyMax = Math.Max(LatencyMax, other.LatencyMax);
        Latency.Merge(other.Latency);
        ScoreCount += other.ScoreCount;
        ScoreSum += other.ScoreSum;
        for (var i = 0; i < ScoreBins.Length; i++)
        {
            ScoreBins[i] += other.ScoreBins[i];
        }

        TopK.Merge(Classes, other.Classes);
        LowConfidence += other.LowConfidence;
        ValueCount += other.ValueCount;
        ValueSum += other.ValueSum;
        ValueSumSq += other.ValueSumSq;
    }

    internal static double? Ratio(double numerator, double denominator) => Infrastructure.Figures.Ratio(numerator, denominator);
}

/// <summary>Per-bucket aggregates of a window plus the window total.</summary>
public sealed record BucketedStats<T>(TimeRange Range, T[] Buckets, T Total);

/// <summary>
/// Reads the rollups of one model (optionally one version) and sums them into buckets. Long ranges read hour rows
/// (<see cref="PredictionHourRollup"/>, <see cref="QualityHourRollup"/>) for their whole hours and minute rows only for the rest (<see cref="Split"/>), so a
/// 30-day window reads ≈ 720 rows per version instead of 43,200; the sums are the same either way.
/// </summary>
public static class RollupQueries
{
    public const long HourMs = 3_600_000;

    /// <summary>
    /// Whether long ranges read hour rows (always, in the portal). tests/Portal.Benchmarks turns it off for one pass to
    /// measure the minute-rows-only load against it in the same run.
    /// </summary>
    public static bool ReadHourRows { get; set; } = true;

    /// <summary>
    /// Where hour rows can stand in for minute rows: hours [<see cref="HourFrom"/>, <see cref="HourTo"/>) lie wholly inside
    /// the range; minute rows cover the rest ([FromMs, HourFrom) and [HourTo, ToMs]). Empty when HourFrom == HourTo.
    /// </summary>
    public readonly record struct RangeSplit(long HourFrom, long HourTo)
    {
        public bool HasHours => HourTo > HourFrom;
    }

    /// <summary>
    /// The whole hours of <paramref name="range"/>. With <paramref name="bucketed"/>, only when its buckets are whole hours
    /// (so each hour row falls into one bucket); a range with smaller buckets reads minute rows only.
    /// </summary>
    public static RangeSplit Split(TimeRange range, bool bucketed)
    {
        var none = new RangeSplit(range.ToMs + 1, range.ToMs + 1);
        if (!ReadHourRows || (bucketed && range.BucketMs % HourMs != 0))
        {
            return none;
        }

        var first = (range.FromMs + HourMs - 1) / HourMs * HourMs;
        // The last whole hour's last minute must start within the range.
        var end = (range.ToMs + 60_000) / HourMs * HourMs;
        return end > first ? new RangeSplit(first, end) : none;
    }

    public static async Task<BucketedStats<PredictionStats>> PredictionsAsync(
        PortalDbContext db, int modelId, string? version, TimeRange range, RollupParts parts, CancellationToken cancellationToken)
    {
        var latency = parts.HasFlag(RollupParts.Latency);
        var scores = parts.HasFlag(RollupParts.Scores);
        var split = Split(range, bucketed: true);
        var rows = new List<PredictionRow>();
        foreach (var (from, to) in MinuteParts(range, split))
        {
            rows.AddRange(await db.PredictionRollups.AsNoTracking()
                .Where(r => r.ModelId == modelId && r.MinuteMs >= from && r.MinuteMs < to && (version == null || r.Version == version))
                .Select(r => new PredictionRow(
                    r.Version, r.MinuteMs, r.Count, r.Errors, r.SchemaViolations,
                    r.LatencyCount, r.LatencySumMs, r.LatencyMaxMs, latency ? r.LatencyBuckets : null,
                    r.ScoreCount, r.ScoreSum, scores ? r.ScoreBins : null, scores ? r.ClassCounts : null, r.LowConfidence,
                    r.ValueCount, r.ValueSum, r.ValueSumSq))
                .ToListAsync(cancellationToken));
        }

        if (split.HasHours)
        {
            rows.AddRange(await db.PredictionHourRollups.AsNoTracking()
                .Where(r => r.ModelId == modelId && r.HourMs >= split.HourFrom && r.HourMs < split.HourTo && (version == null || r.Version == version))
                .Select(r => new PredictionRow(
                    r.Version, r.HourMs, r.Count, r.Errors, r.SchemaViolations,
                    r.LatencyCount, r.LatencySumMs, r.LatencyMaxMs, latency ? r.LatencyBuckets : null,
                    r.ScoreCount, r.ScoreSum, scores ? r.ScoreBins : null, scores ? r.ClassCounts : null, r.LowConfidence,
                    r.ValueCount, r.ValueSum, r.ValueSumSq))
                .ToListAsync(cancellationToken));
        }

        return Bucket(range, rows);
    }

    /// <summary>Prediction counts per bucket of <paramref name="range"/>, summed in SQL (hour rows for whole hours).</summary>
    public static async Task<long[]> CountsAsync(PortalDbContext db, int modelId, string? version, TimeRange range, CancellationToken cancellationToken)
    {
        var (fromMs, bucketMs) = (range.FromMs, range.BucketMs);
        var split = Split(range, bucketed: true);
        var sums = new List<(long Bucket, long Count)>();
        foreach (var (from, to) in MinuteParts(range, split))
        {
            sums.AddRange((await db.PredictionRollups
                .Where(r => r.ModelId == modelId && r.MinuteMs >= from && r.MinuteMs < to && (version == null || r.Version == version))
                .GroupBy(r => (r.MinuteMs - fromMs) / bucketMs)
                .Select(g => new { g.Key, Count = g.Sum(r => r.Count) })
                .ToListAsync(cancellationToken)).Select(x => (x.Key, x.Count)));
        }

        if (split.HasHours)
        {
            sums.AddRange((await db.PredictionHourRollups
                .Where(r => r.ModelId == modelId && r.HourMs >= split.HourFrom && r.HourMs < split.HourTo && (version == null || r.Version == version))
                .GroupBy(r => (r.HourMs - fromMs) / bucketMs)
                .Select(g => new { g.Key, Count = g.Sum(r => r.Count) })
                .ToListAsync(cancellationToken)).Select(x => (x.Key, x.Count)));
        }

        var counts = new long[range.Buckets];
        foreach (var (bucket, count) in sums)
        {
            counts[Math.Clamp((int)bucket, 0, counts.Length - 1)] += count;
        }

        return counts;
    }

    /// <summary>The minute-row parts of a split range, as [from, to) pairs.</summary>
    public static IEnumerable<(long From, long To)> MinuteParts(TimeRange range, RangeSplit split)
    {
        if (split.HourFrom > range.FromMs)
        {
            yield return (range.FromMs, split.HourFrom);
        }

        if (range.ToMs + 1 > split.HourTo)
        {
            yield return (split.HourTo, range.ToMs + 1);
        }
    }

    public static BucketedStats<PredictionStats> Bucket(TimeRange range, IEnumerable<PredictionRow> rows) =>
        RollupSums.Bucket<PredictionStats, PredictionRow>(range, rows.Select(row => ((long)range.BucketOf(row.MinuteMs), row)));

    /// <summary>Quality rollups summed per bucket in SQL (≤ 300 rows come back whatever the window; hour rows for whole hours).</summary>
    public static async Task<BucketedStats<QualityStats>> QualityAsync(
        PortalDbContext db, int modelId, string? version, TimeRange range, CancellationToken cancellationToken)
    {
        var (fromMs, bucketMs) = (range.FromMs, range.BucketMs);
        var split = Split(range, bucketed: true);
        var sums = new List<(long Bucket, QualityRollup Sums)>();
        foreach (var (from, to) in MinuteParts(range, split))
        {
            sums.AddRange(await QualityRollupQueries.GroupedSumsAsync(
                db.QualityRollups.Where(r => r.ModelId == modelId && r.MinuteMs >= from && r.MinuteMs < to && (version == null || r.Version == version)),
                r => (r.MinuteMs - fromMs) / bucketMs, cancellationToken));
        }

        if (split.HasHours)
        {
            sums.AddRange(await QualityRollupQueries.GroupedSumsAsync(
                db.QualityHourRollups.Where(r => r.ModelId == modelId && r.HourMs >= split.HourFrom && r.HourMs < split.HourTo && (version == null || r.Version == version)),
                r => (r.HourMs - fromMs) / bucketMs, cancellationToken));
        }

        return RollupSums.Bucket<QualityStats, QualityRollup>(range, sums);
    }

    /// <summary>Only the prediction count of a range (SQL sums; hour rows for its whole hours).</summary>
    public static async Task<long> CountAsync(PortalDbContext db, int modelId, string? version, TimeRange range, CancellationToken cancellationToken)
    {
        var split = Split(range, bucketed: false);
        long total = 0;
        foreach (var (from, to) in MinuteParts(range, split))
        {
            total += await db.PredictionRollups.Where(r => r.ModelId == modelId && r.MinuteMs >= from && r.MinuteMs < to && (version == null || r.Version == version))
                .SumAsync(r => r.Count, cancellationToken);
        }

        if (split.HasHours)
        {
            total += await db.PredictionHourRollups.Where(r => r.ModelId == modelId && r.HourMs >= split.HourFrom && r.HourMs < split.HourTo && (version == null || r.Version == version))
                .SumAsync(r => r.Count, cancellationToken);
        }

        return total;
    }

    /// <summary>Labelled sums of a range, all versions or one (one grouped query, <see cref="QualityRollupQueries.SumsByVersionAsync"/>).</summary>
    public static async Task<QualityStats> QualityTotalAsync(PortalDbContext db, int modelId, string? version, TimeRange range, CancellationToken cancellationToken)
    {
        var byVersion = await QualityRollupQueries.SumsByVersionAsync(db, modelId, range.FromMs, range.ToMs + 1, cancellationToken);
        return QualityStats.Sum(byVersion.Where(v => version is null || v.Key == version).Select(v => v.Value));
    }
}
