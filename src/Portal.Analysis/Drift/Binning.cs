namespace Portal.Analysis.Drift;

/// <summary>
/// The bins of psi, kl_div, jensenshannon and tvd (STATISTICS.md "Bins", Evidently's <c>get_binned_data</c>):
/// a numerical column whose reference has more than 20 distinct values gets Sturges bins over reference and
/// current together; otherwise every distinct value of the union is a bin. Shares are count / sample size.
/// </summary>
internal static class Binning
{
    private const int MaxDistinctForValueBins = 20;

    /// <summary>Shares per bin, not filled; null when the Sturges range is not finite.</summary>
    public static (double[] Reference, double[] Current)? Shares(ColumnPair pair)
    {
        if (pair.IsNumerical)
        {
            var reference = pair.Reference.SortedNumbers;
            var current = pair.Current.SortedNumbers;
            if (ValueCounts.DistinctCountUpTo(reference, [], MaxDistinctForValueBins + 1) > MaxDistinctForValueBins)
            {
                var edges = SturgesEdges(
                    Math.Min(reference[0], current[0]),
                    Math.Max(reference[^1], current[^1]),
                    reference.Length + current.Length);
                if (edges is null)
                {
                    return null;
                }

                return (ToShares(CountPerBin(reference, edges), reference.Length), ToShares(CountPerBin(current, edges), current.Length));
            }
        }

        var counts = pair.Counts;
        return (ToShares(counts.Reference, counts.ReferenceTotal), ToShares(counts.Current, counts.CurrentTotal));
    }

    /// <summary>
    /// Evidently's filling of empty shares so logarithms stay finite: 0.0001, or min(non-zero share)/10⁶ when that
    /// minimum is ≤ 0.0001. Each array is filled on its own.
    /// </summary>
    public static double[] Filled(double[] shares)
    {
        var smallest = double.PositiveInfinity;
        foreach (var share in shares)
        {
            if (share != 0 && share < smallest)
            {
                smallest = share;
            }
        }

        var fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
        var filled = new double[shares.Length];
        for (var i = 0; i < shares.Length; i++)
        {
            filled[i] = shares[i] == 0 ? fill : shares[i];
        }

        return filled;
    }

    /// <summary>
    /// NumPy <c>histogram_bin_edges(values, bins="sturges")</c> for values spanning [min, max] of the given count:
    /// width = range / (log2(count) + 1), ⌈range / width⌉ equal bins, edges as <c>np.linspace</c> computes them.
    /// Null when the range is not finite (NumPy raises).
    /// </summary>
    public static double[]? SturgesEdges(double min, double max, long count)
    {
        var range = max - min;
        if (!double.IsFinite(range))
        {
            return null;
        }

        double first = min, last = max;
        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
        }

        var width = range / (Math.Log2(count) + 1.0);
        var binCount = width != 0 ? (int)Math.Ceiling((last - first) / width) : 1;

        var edges = new double[binCount + 1];
        var delta = last - first;
        var step = delta / binCount;
        for (var i = 0; i < binCount; i++)
        {
            // NumPy's linspace multiplies by the step unless it underflowed to zero.
            edges[i] = step == 0 ? i / (double)binCount * delta + first : i * step + first;
        }

        edges[binCount] = last;
        return edges;
    }

    /// <summary>
    /// Counts of a sorted sample per bin as <c>np.histogram(values, edges)</c>: [e_i, e_{i+1}), the last bin closed.
    /// </summary>
    public static int[] CountPerBin(double[] sorted, double[] edges)
    {
        var binCount = edges.Length - 1;
        var below = new int[edges.Length];
        var p = 0;
        for (var k = 0; k < binCount; k++)
        {
            while (p < sorted.Length && sorted[p] < edges[k])
            {
                p++;
            }

            below[k] = p;
        }

        while (p < sorted.Length && sorted[p] <= edges[binCount])
        {
            p++;
        }

        below[binCount] = p;

        var counts = new int[binCount];
        for (var k = 0; k < binCount; k++)
        {
            counts[k] = below[k + 1] - below[k];
        }

        return counts;
    }

    private static double[] ToShares(int[] counts, int total)
    {
        var shares = new double[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            shares[i] = (double)counts[i] / total;
        }

        return shares;
    }
}
