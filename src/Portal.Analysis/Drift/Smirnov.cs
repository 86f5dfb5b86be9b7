namespace Portal.Analysis.Drift;

/// <summary>
/// Survival function of the one-sided Kolmogorov–Smirnov statistic D_n⁺, as <c>scipy.special.smirnov(n, d)</c>
/// (Cephes kolmogorov.c): the Birnbaum–Tingey sum with the same special cases and early exit. SciPy sums in
/// double-double; here each (positive) term is formed in log space, which keeps ~1e-11 relative accuracy.
/// </summary>
internal static class Smirnov
{
    // Cephes MINLOG = log(2^-1022): below this exp() underflows.
    private const double MinLog = -708.3964185322641;

    // Cephes SMIRNOV_MAX_COMPUTE_N: larger n uses an approximation instead of the n-term sum.
    private const int MaxExactSize = 1000000;

    // DBL_EPSILON (C), not .NET's double.Epsilon which is the smallest subnormal.
    private const double DoubleEpsilon = 2.220446049250313e-16;

    /// <summary>Pr(D_n⁺ ≥ d) for n ≥ 1 and 0 ≤ d ≤ 1.</summary>
    public static double Sf(int n, double d)
    {
        if (n == 1)
        {
            return 1 - d;
        }

        if (d <= 0.0)
        {
            return 1.0;
        }

        if (d >= 1.0)
        {
            return 0.0;
        }

        var nd = n * d;
        var ndFloor = Math.Floor(nd);
        var alpha = nd - ndFloor;

        if (ndFloor == 0 || (ndFloor == 1 && alpha == 0))
        {
            // d ≤ 1/n: Pr(D_n⁺ < d) = d·(1 + d)^(n−1).
            return Math.Clamp(1 - d * Math.Pow(1 + d, n - 1), 0.0, 1.0);
        }

        if (-2 * n * d * d < MinLog)
        {
            return 0.0;
        }

        if (ndFloor >= n - 1)
        {
            return Math.Pow(1 - d, n);
        }

        if (n > MaxExactSize)
        {
            // Cephes stops summing here and uses p ≈ exp(−(6nd + 1)² / 18n).
            return Math.Exp(-Math.Pow(6.0 * n * d + 1, 2) / 18.0 / n);
        }

        // Pr(D_n⁺ ≥ d) = d · Σ_{j=0}^{n−⌊nd⌋−1} C(n, j) (d + j/n)^(j−1) (1 − d − j/n)^(n−j)
        var termCount = n - (int)ndFloor;
        var logBinomial = 0.0;
        var sum = 0.0;
        for (var j = 0; j < termCount; j++)
        {
            var low = d + (double)j / n;
            var high = (double)(n - j) / n - d;
            var term = Math.Exp(logBinomial + (j - 1) * Math.Log(low) + (n - j) * Math.Log(high));
            sum += term;

            // Same early exits as Cephes: the remaining terms cannot change the sum.
            if (term != 0)
            {
                if (4.0 * (termCount - j) * term < DoubleEpsilon * sum && j != termCount - 1)
                {
                    break;
                }
            }
            else if (j > n / 2)
            {
                break;
            }

            logBinomial += Math.Log((double)(n - j) / (j + 1));
        }

        return Math.Clamp(d * sum, 0.0, 1.0);
    }
}
