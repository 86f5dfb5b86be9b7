using MathNet.Numerics;

namespace Portal.Analysis.Drift;

/// <summary>
/// Two-sample Cramér–von Mises test as SciPy 1.10 <c>cramervonmises_2samp(x, y, method="asymptotic")</c>:
/// mid-ranks for ties, Anderson's T, normalised as in Csörgő &amp; Faraway and referred to the limiting
/// one-sample distribution (<c>_cdf_cvm_inf</c>).
/// </summary>
internal static class CramerVonMises
{
    public readonly record struct Result(double Statistic, double PValue);

    /// <summary>Both samples sorted ascending with at least two values each.</summary>
    public static Result Test(double[] x, double[] y)
    {
        long nx = x.Length, ny = y.Length;

        // Σ (rank − index)² per sample. Mid-ranks are multiples of ½, so 4·Σ is an integer: summing it exactly
        // avoids the cancellation in T = U/(kN) − (4k − 1)/(6N) for large samples.
        Int128 fourSumX = 0, fourSumY = 0;
        int i = 0, j = 0;
        long below = 0;
        while (i < nx || j < ny)
        {
            var value = j >= ny || (i < nx && x[i] <= y[j]) ? x[i] : y[j];
            int iStart = i, jStart = j;
            while (i < nx && x[i] <= value)
            {
                i++;
            }

            while (j < ny && y[j] <= value)
            {
                j++;
            }

            long tied = i - iStart + (j - jStart);
            var twiceMidRank = 2 * below + tied + 1;
            for (long a = iStart + 1; a <= i; a++)
            {
                Int128 diff = twiceMidRank - 2 * a;
                fourSumX += diff * diff;
            }

            for (long b = jStart + 1; b <= j; b++)
            {
                Int128 diff = twiceMidRank - 2 * b;
                fourSumY += diff * diff;
            }

            below += tied;
        }

        var u = (double)(nx * fourSumX + ny * fourSumY) / 4.0;
        double k = (double)nx * ny, n = nx + ny;
        var t = u / (k * n) - (4 * k - 1) / (6 * n);

        var expected = (1 + 1 / n) / 6;
        var variance = (n + 1) * (4 * k * n - 3 * ((double)nx * nx + (double)ny * ny) - 2 * k) / (45 * n * n * 4 * k);
        var normalised = 1.0 / 6 + (t - expected) / Math.Sqrt(45 * variance);

        // SciPy: below 0.003 the limiting cdf is < 1.3e-18, so p is 1.
        var p = normalised < 0.003 ? 1.0 : Math.Max(0, 1.0 - LimitingCdf(normalised));
        return new Result(t, p);
    }

    /// <summary>
    /// CDF of the limiting Cramér–von Mises distribution (Csörgő &amp; Faraway 1996, eq. 1.2), summed until a
    /// term falls below 1e-7 as SciPy's <c>_cdf_cvm_inf</c> does.
    /// </summary>
    public static double LimitingCdf(double x)
    {
        var total = 0.0;
        for (var k = 0; ; k++)
        {
            var u = Math.Exp(SpecialFunctions.GammaLn(k + 0.5) - SpecialFunctions.GammaLn(k + 1)) / (Math.Pow(Math.PI, 1.5) * Math.Sqrt(x));
            double y = 4 * k + 1;
            var q = y * y / (16 * x);
            var term = u * Math.Sqrt(y) * Math.Exp(-q) * SpecialFunctions.BesselK(0.25, q);
            total += term;
            if (!(Math.Abs(term) >= 1e-7))
            {
                return total;
            }
        }
    }
}
