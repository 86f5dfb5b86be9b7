using MathNet.Numerics;

namespace Portal.Analysis.Drift;

/// <summary>
/// Two-sided Mann–Whitney U test as SciPy 1.10 <c>mannwhitneyu(x, y, method="auto")</c>: the exact distribution of
/// U when either sample has at most 8 values and no value occurs twice in x ∪ y, otherwise the normal
/// approximation with tie and continuity correction.
/// </summary>
internal static class MannWhitney
{
    /// <summary>SciPy's limit: exact when min(n1, n2) ≤ 8 (and no ties).</summary>
    private const int ExactMaxSmallerSize = 8;

    /// <summary>Both samples sorted ascending and non-empty.</summary>
    public static double PValue(double[] x, double[] y)
    {
        long n1 = x.Length, n2 = y.Length;

        // Rank sum of x with mid-ranks for ties, and Σ(t³ − t) over tie groups, in one merge.
        double rankSumX = 0, tieTerm = 0;
        int i = 0, j = 0;
        long below = 0;
        while (i < n1 || j < n2)
        {
            var value = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
            int iStart = i, jStart = j;
            while (i < n1 && x[i] <= value)
            {
                i++;
            }

            while (j < n2 && y[j] <= value)
            {
                j++;
            }

            double tied = i - iStart + (j - jStart);
            var midRank = below + (tied + 1) / 2;
            rankSumX += (i - iStart) * midRank;
            tieTerm += tied * tied * tied - tied;
            below += (long)tied;
        }

        var u1 = rankSumX - n1 * (n1 + 1) / 2.0;
        var u2 = (double)n1 * n2 - u1;
        var u = Math.Max(u1, u2);

        if (Math.Min(n1, n2) <= ExactMaxSmallerSize && tieTerm == 0)
        {
            // Without ties U is a whole number; P(U ≥ u) = P(U ≤ n1·n2 − u) by symmetry.
            return Math.Min(1.0, 2 * ExactCdf((int)Math.Min(u1, u2), (int)Math.Min(n1, n2), (int)Math.Max(n1, n2)));
        }

        double n = n1 + n2;
        var mu = (double)n1 * n2 / 2;
        var s = Math.Sqrt((double)n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1))));
        if (!(s > 0))
        {
            // All values tied: SciPy's z = −0.5/0 = −∞ gives p = 1.
            return 1.0;
        }

        var z = (u - mu - 0.5) / s;
        return Math.Clamp(2 * NormalSf(z), 0, 1);
    }

    /// <summary>
    /// P(U ≤ k) under the null hypothesis for samples of sizes <paramref name="m"/> ≤ <paramref name="n"/>. The
    /// number of arrangements with U = u is the number of partitions of u into at most m parts each ≤ n, the
    /// coefficient of q^u in the Gaussian binomial ∏ᵢ₌₁..ₘ (1 − q^(n+i)) / (1 − q^i). Dividing by (1 − q^i) first
    /// (running sums, all positive) and multiplying by (1 − q^(n+i)) after keeps the cancellation to about a digit;
    /// only coefficients up to k ≤ m·n/2 are needed.
    /// </summary>
    private static double ExactCdf(int k, int m, int n)
    {
        var counts = new double[k + 1];
        counts[0] = 1;
        for (var part = 1; part <= m; part++)
        {
            for (var u = part; u <= k; u++)
            {
                counts[u] += counts[u - part];
            }
        }

        for (var part = 1; part <= m; part++)
        {
            var shift = n + part;
            for (var u = k; u >= shift; u--)
            {
                counts[u] -= counts[u - shift];
            }
        }

        var arrangements = 0.0;
        foreach (var count in counts)
        {
            arrangements += count;
        }

        // C(m + n, m), the number of equally likely arrangements, as a product of ratios (no overflow for m ≤ 8).
        var total = 1.0;
        for (var part = 1; part <= m; part++)
        {
            total = total * (n + part) / part;
        }

        return arrangements / total;
    }

    /// <summary>Upper tail of the standard normal by erfc, accurate far into the tail.</summary>
    public static double NormalSf(double z) => 0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2));
}
