namespace Portal.Analysis.Drift;

/// <summary>
/// Distances between binned shares (see <see cref="Binning"/>): psi, kl_div, jensenshannon, tvd, and hellinger
/// with its own bins. Formulas and normalisations as Evidently and SciPy compute them.
/// </summary>
internal static class Divergences
{
    /// <summary>Population stability index Σ (r − c)·ln(r / c) over filled shares.</summary>
    public static double Psi(double[] referenceShares, double[] currentShares)
    {
        var r = Binning.Filled(referenceShares);
        var c = Binning.Filled(currentShares);
        var sum = 0.0;
        for (var i = 0; i < r.Length; i++)
        {
            sum += (r[i] - c[i]) * Math.Log(r[i] / c[i]);
        }

        return sum;
    }

    /// <summary>
    /// Kullback–Leibler divergence of filled shares as <c>scipy.stats.entropy(r, c)</c>, which first rescales
    /// both to sum to 1 (filling makes them sum to slightly more).
    /// </summary>
    public static double KlDivergence(double[] referenceShares, double[] currentShares)
    {
        var p = Normalised(Binning.Filled(referenceShares));
        var q = Normalised(Binning.Filled(currentShares));
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            sum += RelativeEntropy(p[i], q[i]);
        }

        return sum;
    }

    /// <summary>
    /// <c>scipy.spatial.distance.jensenshannon(r, c)</c> (natural log) on unfilled shares. Rounding can make the
    /// divergence of identical shares a hair below zero; it is clamped to 0 instead of giving NaN.
    /// </summary>
    public static double JensenShannon(double[] referenceShares, double[] currentShares)
    {
        var p = Normalised(referenceShares);
        var q = Normalised(currentShares);
        double left = 0, right = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var m = (p[i] + q[i]) / 2.0;
            left += RelativeEntropy(p[i], m);
            right += RelativeEntropy(q[i], m);
        }

        return Math.Sqrt(Math.Max(0, (left + right) / 2.0));
    }

    /// <summary>Total variation distance ½ Σ |r − c| on unfilled shares.</summary>
    public static double TotalVariation(double[] referenceShares, double[] currentShares)
    {
        var sum = 0.0;
        for (var i = 0; i < referenceShares.Length; i++)
        {
            sum += Math.Abs(referenceShares[i] - currentShares[i]);
        }

        return 0.5 * sum;
    }

    /// <summary>Hellinger distance √(1 − Σ √(p·q)) of category shares; the sum is clipped to [0, 1] first.</summary>
    public static double HellingerOfCounts(ValueCounts counts)
    {
        var affinity = 0.0;
        for (var i = 0; i < counts.Count; i++)
        {
            var p = (double)counts.Reference[i] / counts.ReferenceTotal;
            var q = (double)counts.Current[i] / counts.CurrentTotal;
            affinity += Math.Sqrt(p * q);
        }

        return Math.Sqrt(1 - Math.Clamp(affinity, 0, 1));
    }

    /// <summary>
    /// Hellinger distance of numbers as Evidently computes it: Sturges bin edges over the distinct values of
    /// reference ∪ current (not over all values — this is what the reference cases with ties show), density
    /// histograms of each sample multiplied by the common bin width. Null when the range is not finite.
    /// </summary>
    public static double? HellingerOfNumbers(double[] reference, double[] current)
    {
        var distinct = ValueCounts.DistinctCountUpTo(reference, current, int.MaxValue);
        var edges = Binning.SturgesEdges(Math.Min(reference[0], current[0]), Math.Max(reference[^1], current[^1]), distinct);
        if (edges is null)
        {
            return null;
        }

        var referenceCounts = Binning.CountPerBin(reference, edges);
        var currentCounts = Binning.CountPerBin(current, edges);
        var binCount = edges.Length - 1;
        double referenceTotal = Sum(referenceCounts), currentTotal = Sum(currentCounts);
        var binWidth = (edges[binCount] - edges[0]) / binCount;

        var affinity = 0.0;
        for (var i = 0; i < binCount; i++)
        {
            var width = edges[i + 1] - edges[i];
            var p = referenceCounts[i] / width / referenceTotal;
            var q = currentCounts[i] / width / currentTotal;
            affinity += Math.Sqrt(p * q) * binWidth;
        }

        return Math.Sqrt(1 - Math.Clamp(affinity, 0, 1));
    }

    private static double[] Normalised(double[] shares)
    {
        var total = 0.0;
        foreach (var share in shares)
        {
            total += share;
        }

        var result = new double[shares.Length];
        for (var i = 0; i < shares.Length; i++)
        {
            result[i] = shares[i] / total;
        }

        return result;
    }

    /// <summary>SciPy's <c>rel_entr</c>: x·ln(x/y), 0 when x is 0.</summary>
    private static double RelativeEntropy(double x, double y) => x > 0 ? x * Math.Log(x / y) : 0.0;

    private static long Sum(int[] counts)
    {
        long sum = 0;
        foreach (var c in counts)
        {
            sum += c;
        }

        return sum;
    }
}
