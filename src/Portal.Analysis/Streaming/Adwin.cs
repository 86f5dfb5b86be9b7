using Portal.Analysis.Common;

namespace Portal.Analysis.Streaming;

/// <summary>ADWIN parameters; the defaults are river's (<c>river.drift.ADWIN</c>).</summary>
/// <param name="Delta">Confidence of the cut test: smaller means fewer false alarms and later detection.</param>
/// <param name="Clock">The window is checked for a cut every this many values.</param>
/// <param name="MaxBuckets">Buckets kept per size before two are merged into one of twice the size.</param>
/// <param name="MinWindowLength">Smallest sub-window on either side of a cut.</param>
/// <param name="GracePeriod">Values needed before the first check.</param>
public sealed record AdwinOptions(double Delta = 0.002, int Clock = 32, int MaxBuckets = 5, int MinWindowLength = 5, int GracePeriod = 10);

/// <summary>
/// ADWIN (Bifet and Gavaldà 2007), following river 0.21's <c>adwin_c.pyx</c>. The window is kept as an exponential
/// histogram: rows of at most <see cref="AdwinOptions.MaxBuckets"/> buckets, row i holding buckets of 2ⁱ values with
/// their total and variance (Babcock et al. 2003), so memory is O(M·log n). Every
/// <see cref="AdwinOptions.Clock"/> values each cut W = W₀·W₁ at a bucket boundary (oldest first) is tested:
/// |μ₀ − μ₁| &gt; ε = √(2·m⁻¹·σ²_W·δ′) + ⅔·δ′·m⁻¹ with δ′ = ln(2·ln|W| / δ) and
/// m⁻¹ = 1/(n₀ − L + 1) + 1/(n₁ − L + 1) (L: minimum window length); on a cut the oldest bucket is dropped and
/// the test repeated. The event's statistic is |μ₀ − μ₁| at the first cut and its threshold ε. As in river, the
/// whole window is reset on the value after a signal.
/// </summary>
public sealed class Adwin : IStreamDriftDetector
{
    private readonly AdwinOptions options;
    private readonly List<Row> rows = [];
    private double total;
    private double variance;
    private double width;
    private long tick;
    private bool driftDetected;

    /// <summary>Creates a detector; null options mean river's defaults.</summary>
    public Adwin(AdwinOptions? options = null)
    {
        this.options = options ?? new AdwinOptions();
        if (!(this.options.Delta > 0 && this.options.Delta < 1) || this.options.Clock < 1 || this.options.MaxBuckets < 2 || this.options.MinWindowLength < 1 || this.options.GracePeriod < 0)
        {
            throw new AnalysisInputException("options", "needs 0 < delta < 1, clock ≥ 1, maxBuckets ≥ 2, minWindowLength ≥ 1, gracePeriod ≥ 0");
        }

        Reset();
    }

    /// <inheritdoc />
    public long Count { get; private set; }

    /// <summary>Values in the current window.</summary>
    public long Width => (long)width;

    /// <summary>Mean of the current window (0 when empty).</summary>
    public double Mean => width > 0 ? total / width : 0.0;

    /// <summary>Buckets held: grows with the logarithm of the window width.</summary>
    public int BucketCount
    {
        get
        {
            var count = 0;
            foreach (var row in rows)
            {
                count += row.Count;
            }

            return count;
        }
    }

    /// <inheritdoc />
    public StreamDriftEvent? Update(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new AnalysisInputException("value", $"value at index {Count} is {value}; only finite numbers are allowed");
        }

        if (driftDetected)
        {
            Reset();
        }

        var index = Count++;
        Insert(value);
        var cut = DetectChange();
        driftDetected = cut is not null;
        return cut is { } c ? new StreamDriftEvent(index, c.Statistic, c.Threshold) : null;
    }

    private void Reset()
    {
        rows.Clear();
        rows.Add(new Row(options.MaxBuckets));
        total = 0;
        variance = 0;
        width = 0;
        tick = 0;
        driftDetected = false;
    }

    private void Insert(double value)
    {
        rows[0].Append(value, 0.0);
        width += 1;
        if (width > 1)
        {
            var d = value - total / (width - 1);
            variance += (width - 1) * d * d / width;
        }

        total += value;
        Compress();
    }

    private void Compress()
    {
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Count != options.MaxBuckets + 1)
            {
                break;
            }

            if (i + 1 == rows.Count)
            {
                rows.Add(new Row(options.MaxBuckets));
            }

            var next = rows[i + 1];
            var size = BucketSize(i);
            var mu1 = row.Totals[0] / size;
            var mu2 = row.Totals[1] / size;
            var mergedVariance = row.Variances[0] + row.Variances[1] + size * size * (mu1 - mu2) * (mu1 - mu2) / (2 * size);
            next.Append(row.Totals[0] + row.Totals[1], mergedVariance);
            row.RemoveOldest(2);
            if (next.Count <= options.MaxBuckets)
            {
                break;
            }
        }
    }

    private (double Statistic, double Threshold)? DetectChange()
    {
        tick++;
        if (tick % options.Clock != 0 || width <= options.GracePeriod)
        {
            return null;
        }

        (double, double)? first = null;
        var reduce = true;
        while (reduce)
        {
            reduce = false;
            double n0 = 0, n1 = width, u0 = 0, u1 = total;
            var done = false;
            for (var i = rows.Count - 1; i >= 0 && !done; i--)
            {
                var row = rows[i];
                var size = BucketSize(i);
                // As river: the newest bucket of each row is not used as a cut point.
                for (var k = 0; k < row.Count - 1; k++)
                {
                    n0 += size;
                    n1 -= size;
                    u0 += row.Totals[k];
                    u1 -= row.Totals[k];
                    if (n1 < options.MinWindowLength || n0 < options.MinWindowLength)
                    {
                        continue;
                    }

                    var deltaMean = Math.Abs(u0 / n0 - u1 / n1);
                    var epsilon = CutThreshold(n0, n1);
                    if (deltaMean > epsilon)
                    {
                        first ??= (deltaMean, epsilon);
                        reduce = true;
                        if (width > 0)
                        {
                            DropOldest();
                            done = true;
                            break;
                        }
                    }
                }
            }
        }

        return first;
    }

    private double CutThreshold(double n0, double n1)
    {
        var deltaPrime = Math.Log(2 * Math.Log(width) / options.Delta);
        var mRecip = 1.0 / (n0 - options.MinWindowLength + 1) + 1.0 / (n1 - options.MinWindowLength + 1);
        var windowVariance = variance / width;
        return Math.Sqrt(2 * mRecip * windowVariance * deltaPrime) + 2.0 / 3.0 * deltaPrime * mRecip;
    }

    private void DropOldest()
    {
        var last = rows.Count - 1;
        var row = rows[last];
        var size = BucketSize(last);
        var u = row.Totals[0];
        var v = row.Variances[0];
        width -= size;
        total -= u;
        var d = u / size - total / width;
        variance -= v + size * width * d * d / (size + width);
        row.RemoveOldest(1);
        if (row.Count == 0)
        {
            rows.RemoveAt(last);
        }
    }

    private static double BucketSize(int row) => Math.Pow(2, row);

    /// <summary>Buckets of one size, oldest first.</summary>
    private sealed class Row(int maxBuckets)
    {
        public double[] Totals { get; } = new double[maxBuckets + 1];

        public double[] Variances { get; } = new double[maxBuckets + 1];

        public int Count { get; private set; }

        public void Append(double bucketTotal, double bucketVariance)
        {
            Totals[Count] = bucketTotal;
            Variances[Count] = bucketVariance;
            Count++;
        }

        public void RemoveOldest(int n)
        {
            Array.Copy(Totals, n, Totals, 0, Count - n);
            Array.Copy(Variances, n, Variances, 0, Count - n);
            Count -= n;
        }
    }
}
