using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Rollups;

namespace Portal.Web.Features.Dashboards;

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
public sealed class PredictionStats
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

    internal static double? Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : null;
}

/// <summary>Sums of quality rollup rows (labelled predictions) and the metrics they give.</summary>
public sealed class QualityStats
{
    public long Labelled { get; private set; }

    public long Correct { get; private set; }

    public long TruePositives { get; private set; }

    public long FalsePositives { get; private set; }

    public long FalseNegatives { get; private set; }

    public long TrueNegatives { get; private set; }

    public double AbsErrorSum { get; private set; }

    public double SqErrorSum { get; private set; }

    public double LabelSum { get; private set; }

    public double LabelSumSq { get; private set; }

    public double? Accuracy => PredictionStats.Ratio(Correct, Labelled);

    public double? Precision => PredictionStats.Ratio(TruePositives, TruePositives + FalsePositives);

    public double? Recall => PredictionStats.Ratio(TruePositives, TruePositives + FalseNegatives);

    public double? F1 => Precision is { } p && Recall is { } r && p + r > 0 ? 2 * p * r / (p + r) : null;

    public double? Mae => PredictionStats.Ratio(AbsErrorSum, Labelled);

    public double? Rmse => Labelled > 0 ? Math.Sqrt(SqErrorSum / Labelled) : null;

    /// <summary>1 − SSE / total sum of squares of the labels; null with fewer than two labels or constant labels.</summary>
    public double? R2
    {
        get
        {
            var total = Labelled > 0 ? LabelSumSq - (LabelSum * LabelSum / Labelled) : 0;
            return Labelled > 1 && total > 0 ? 1 - (SqErrorSum / total) : null;
        }
    }

    public void Add(QualityRollup r)
    {
        Labelled += r.Labelled;
        Correct += r.Correct;
        TruePositives += r.TruePositives;
        FalsePositives += r.FalsePositives;
        FalseNegatives += r.FalseNegatives;
        TrueNegatives += r.TrueNegatives;
        AbsErrorSum += r.AbsErrorSum;
        SqErrorSum += r.SqErrorSum;
        LabelSum += r.LabelSum;
        LabelSumSq += r.LabelSumSq;
    }

    public void Add(QualityStats other)
    {
        Labelled += other.Labelled;
        Correct += other.Correct;
        TruePositives += other.TruePositives;
        FalsePositives += other.FalsePositives;
        FalseNegatives += other.FalseNegatives;
        TrueNegatives += other.TrueNegatives;
        AbsErrorSum += other.AbsErrorSum;
        SqErrorSum += other.SqErrorSum;
        LabelSum += other.LabelSum;
        LabelSumSq += other.LabelSumSq;
    }
}

/// <summary>Per-bucket aggregates of a window plus the window total.</summary>
public sealed record BucketedStats<T>(TimeRange Range, T[] Buckets, T Total);

/// <summary>Reads minute rollups of one model (optionally one version) and sums them into buckets.</summary>
public static class RollupQueries
{
    public static async Task<BucketedStats<PredictionStats>> PredictionsAsync(
        PortalDbContext db, int modelId, string? version, TimeRange range, RollupParts parts, CancellationToken cancellationToken)
    {
        var latency = parts.HasFlag(RollupParts.Latency);
        var scores = parts.HasFlag(RollupParts.Scores);
        var query = db.PredictionRollups.AsNoTracking()
            .Where(r => r.ModelId == modelId && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs);
        if (version is not null)
        {
            query = query.Where(r => r.Version == version);
        }

        var rows = await query.Select(r => new PredictionRow(
                r.Version, r.MinuteMs, r.Count, r.Errors, r.SchemaViolations,
                r.LatencyCount, r.LatencySumMs, r.LatencyMaxMs, latency ? r.LatencyBuckets : null,
                r.ScoreCount, r.ScoreSum, scores ? r.ScoreBins : null, scores ? r.ClassCounts : null, r.LowConfidence,
                r.ValueCount, r.ValueSum, r.ValueSumSq))
            .ToListAsync(cancellationToken);
        return Bucket(range, rows);
    }

    public static BucketedStats<PredictionStats> Bucket(TimeRange range, IEnumerable<PredictionRow> rows)
    {
        var buckets = new PredictionStats[range.Buckets];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = new PredictionStats();
        }

        foreach (var row in rows)
        {
            buckets[Math.Clamp(range.BucketOf(row.MinuteMs), 0, buckets.Length - 1)].Add(row);
        }

        var total = new PredictionStats();
        foreach (var bucket in buckets)
        {
            total.Add(bucket);
        }

        return new BucketedStats<PredictionStats>(range, buckets, total);
    }

    public static async Task<BucketedStats<QualityStats>> QualityAsync(
        PortalDbContext db, int modelId, string? version, TimeRange range, CancellationToken cancellationToken)
    {
        var query = db.QualityRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs);
        if (version is not null)
        {
            query = query.Where(r => r.Version == version);
        }

        var rows = await query.ToListAsync(cancellationToken);
        var buckets = new QualityStats[range.Buckets];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = new QualityStats();
        }

        foreach (var row in rows)
        {
            buckets[Math.Clamp(range.BucketOf(row.MinuteMs), 0, buckets.Length - 1)].Add(row);
        }

        var total = new QualityStats();
        foreach (var bucket in buckets)
        {
            total.Add(bucket);
        }

        return new BucketedStats<QualityStats>(range, buckets, total);
    }

    /// <summary>Only the prediction count of a range (one SQL sum, no rows read into memory).</summary>
    public static Task<long> CountAsync(PortalDbContext db, int modelId, string? version, TimeRange range, CancellationToken cancellationToken) =>
        db.PredictionRollups.Where(r => r.ModelId == modelId && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs && (version == null || r.Version == version))
            .SumAsync(r => r.Count, cancellationToken);

    /// <summary>Labelled / correct sums of a range, in SQL.</summary>
    public static async Task<QualityStats> QualityTotalAsync(PortalDbContext db, int modelId, string? version, TimeRange range, CancellationToken cancellationToken)
    {
        var sums = await db.QualityRollups
            .Where(r => r.ModelId == modelId && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs && (version == null || r.Version == version))
            .GroupBy(_ => 1)
            .Select(g => new QualityRollup
            {
                ModelId = modelId,
                Version = "",
                Labelled = g.Sum(r => r.Labelled),
                Correct = g.Sum(r => r.Correct),
                TruePositives = g.Sum(r => r.TruePositives),
                FalsePositives = g.Sum(r => r.FalsePositives),
                FalseNegatives = g.Sum(r => r.FalseNegatives),
                TrueNegatives = g.Sum(r => r.TrueNegatives),
                AbsErrorSum = g.Sum(r => r.AbsErrorSum),
                SqErrorSum = g.Sum(r => r.SqErrorSum),
                LabelSum = g.Sum(r => r.LabelSum),
                LabelSumSq = g.Sum(r => r.LabelSumSq),
            })
            .SingleOrDefaultAsync(cancellationToken);
        var stats = new QualityStats();
        if (sums is not null)
        {
            stats.Add(sums);
        }

        return stats;
    }
}
