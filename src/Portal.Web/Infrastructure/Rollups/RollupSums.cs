using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Infrastructure.Rollups;

/// <summary>
/// Sums of rollup rows that grow row by row and aggregate by aggregate: <see cref="PredictionStats"/> (prediction
/// rollups) and <see cref="QualityStats"/> (quality rollups). <see cref="RollupSums"/> buckets and totals either kind.
/// </summary>
public interface IRollupSums<TSelf, TRow>
    where TSelf : IRollupSums<TSelf, TRow>, new()
{
    void Add(TRow row);

    void Add(TSelf other);
}

/// <summary>The one way rollup rows become per-bucket sums and a window total.</summary>
public static class RollupSums
{
    /// <summary>Rows summed into the buckets of <paramref name="range"/> (an index outside goes to the nearest end), with their total.</summary>
    public static BucketedStats<T> Bucket<T, TRow>(TimeRange range, IEnumerable<(long Bucket, TRow Row)> rows)
        where T : IRollupSums<T, TRow>, new()
    {
        var buckets = new T[range.Buckets];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = new T();
        }

        foreach (var (bucket, row) in rows)
        {
            buckets[(int)Math.Clamp(bucket, 0, buckets.Length - 1)].Add(row);
        }

        return new BucketedStats<T>(range, buckets, Sum<T, TRow>(buckets));
    }

    public static T Sum<T, TRow>(IEnumerable<T> parts)
        where T : IRollupSums<T, TRow>, new()
    {
        var sum = new T();
        foreach (var part in parts)
        {
            sum.Add(part);
        }

        return sum;
    }

    public static T SumRows<T, TRow>(IEnumerable<TRow> rows)
        where T : IRollupSums<T, TRow>, new()
    {
        var sum = new T();
        foreach (var row in rows)
        {
            sum.Add(row);
        }

        return sum;
    }
}
