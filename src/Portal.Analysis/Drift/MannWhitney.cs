using MathNet.Numerics;

namespace Portal.Analysis.Drift;

/// <summary>
/// Two-sided Mann–Whitney U test, normal approximation with tie and continuity correction, as SciPy 1.10
/// <c>mannwhitneyu(x, y, method="asymptotic")</c>.
/// </summary>
internal static class MannWhitney
{
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

    /// <summary>Upper tail of the standard normal by erfc, accurate far into the tail.</summary>
    public static double NormalSf(double z) => 0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2));
}
