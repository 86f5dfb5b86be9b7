using System.Runtime.CompilerServices;

namespace Portal.Analysis.Drift;

/// <summary>
/// Two-sample two-sided Kolmogorov–Smirnov test as SciPy 1.10 <c>ks_2samp</c>: method "auto" is exact when
/// max(n1, n2) ≤ 10000 (Hodges' lattice-path count, falling back to asymptotic if it fails, as SciPy does),
/// otherwise asymptotic via <see cref="KolmogorovDistribution"/> with n = round(n1·n2/(n1+n2)).
/// </summary>
internal static class KolmogorovSmirnov
{
    private const int MaxExactSize = 10000;

    /// <param name="Statistic">D; in exact mode SciPy reports it rounded to a multiple of 1/lcm(n1, n2).</param>
    /// <param name="PValue">p-value of method "auto".</param>
    /// <param name="PValueAsymptotic">p-value of method "asymp"; null only for n1 = n2 = 1 where round(0.5) = 0.</param>
    public readonly record struct Result(double Statistic, double PValue, double? PValueAsymptotic);

    /// <summary>Both samples sorted ascending and non-empty.</summary>
    public static Result Test(double[] x, double[] y)
    {
        var d = Statistic(x, y);
        var asymptotic = AsymptoticPValue(d, x.Length, y.Length);
        if (Math.Max(x.Length, y.Length) > MaxExactSize)
        {
            return new Result(d, asymptotic ?? 1.0, asymptotic);
        }

        if (TryExact(x.Length, y.Length, d, out var roundedD, out var exactP))
        {
            return new Result(roundedD, exactP, asymptotic);
        }

        // Rounding can push the exact p a hair above 1 (e.g. n1 = n2 = 5, D = 1/5); SciPy then falls back to the
        // asymptotic p-value of the rounded statistic.
        return new Result(roundedD, AsymptoticPValue(roundedD, x.Length, y.Length) ?? 1.0, asymptotic);
    }

    /// <summary>max |F1 − F2| over the pooled values, with the ECDF differences formed as SciPy forms them.</summary>
    public static double Statistic(double[] x, double[] y)
    {
        int n1 = x.Length, n2 = y.Length;
        int i = 0, j = 0;
        double maxDiff = double.NegativeInfinity, minDiff = double.PositiveInfinity;
        var previous = Math.Min(x[0], y[0]);

        // Walk the pooled values in order; whenever the value moves past `previous`, everything ≤ previous has
        // been consumed, so i/n1 − j/n2 is the ECDF difference there. The step is chosen without a branch.
        while (i < n1 && j < n2)
        {
            double a = x[i], b = y[j];
            int takeX = Unsafe.BitCast<bool, byte>(a <= b);
            var value = Math.Min(a, b);
            if (value != previous)
            {
                var diff = (double)i / n1 - (double)j / n2;
                maxDiff = Math.Max(maxDiff, diff);
                minDiff = Math.Min(minDiff, diff);
                previous = value;
            }

            i += takeX;
            j += 1 - takeX;
        }

        // One sample is used up: its ECDF is 1 from here on.
        for (; i < n1; i++)
        {
            if (x[i] != previous)
            {
                var diff = (double)i / n1 - 1.0;
                maxDiff = Math.Max(maxDiff, diff);
                minDiff = Math.Min(minDiff, diff);
                previous = x[i];
            }
        }

        for (; j < n2; j++)
        {
            if (y[j] != previous)
            {
                var diff = 1.0 - (double)j / n2;
                maxDiff = Math.Max(maxDiff, diff);
                minDiff = Math.Min(minDiff, diff);
                previous = y[j];
            }
        }

        // At the largest value both ECDFs are 1.
        maxDiff = Math.Max(maxDiff, 0.0);
        minDiff = Math.Min(minDiff, 0.0);

        var minS = Math.Clamp(-minDiff, 0, 1);
        return minS > maxDiff ? minS : maxDiff;
    }

    /// <summary>SciPy's <c>kstwo.sf(d, round(en))</c>, en = n1·n2/(n1+n2).</summary>
    public static double? AsymptoticPValue(double d, int n1, int n2)
    {
        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        var en = m * n / (m + n);
        var rounded = Math.Round(en, MidpointRounding.ToEven);
        if (rounded < 1)
        {
            return null;
        }

        return KolmogorovDistribution.Sf((int)rounded, d);
    }

    /// <summary>SciPy's <c>_attempt_exact_2kssamp</c> for the two-sided alternative.</summary>
    public static bool TryExact(int n1, int n2, double d, out double roundedD, out double p)
    {
        long g = Gcd(n1, n2);
        var lcm = n1 / g * n2;
        var h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
        roundedD = h * 1.0 / lcm;
        if (h == 0)
        {
            p = 1.0;
            return true;
        }

        p = n1 == n2 ? ProbabilityOutsideSquare(n1, h) : OuterProbabilityInside(n1, n2, g, h);
        return p >= 0 && p <= 1;
    }

    /// <summary>Pr(D_{n,n} ≥ h/n) by the alternating binomial series in Horner form (no cancellation).</summary>
    private static double ProbabilityOutsideSquare(long n, long h)
    {
        var p = 0.0;
        var k = n / h;
        while (k >= 0)
        {
            var term = 1.0;
            for (long j = 0; j < h; j++)
            {
                term = (n - k * h - j) * term / (n + k * h + j + 1);
            }

            p = term * (1.0 - p);
            k--;
        }

        return 2 * p;
    }

    /// <summary>
    /// Share of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| &lt; h/lcm(m,n), computed with
    /// Viehmann's (2021) recursion for 1 − p over one sliding column, as SciPy's
    /// <c>_compute_outer_prob_inside_method</c>.
    /// </summary>
    private static double OuterProbabilityInside(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        var mg = m / g;
        var ng = n / g;

        long minJ = 0;
        var maxJ = Math.Min((long)Math.Ceiling((double)h / mg), n + 1);
        var currentLength = maxJ - minJ;
        var lengthA = Math.Min(2 * maxJ + 2, n + 1);
        var column = new double[lengthA];
        Array.Fill(column, 1.0);
        for (var j = minJ; j < maxJ; j++)
        {
            column[j] = 0.0;
        }

        for (long i = 1; i <= m; i++)
        {
            var lastMinJ = minJ;
            var lastLength = currentLength;
            minJ = Math.Max((long)Math.Floor((double)(ng * i - h) / mg) + 1, 0);
            minJ = Math.Min(minJ, n);
            maxJ = Math.Min((long)Math.Ceiling((double)(ng * i + h) / mg), n + 1);
            if (maxJ <= minJ)
            {
                return 1.0;
            }

            var value = minJ == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxJ - minJ; jj++)
            {
                var j = jj + minJ;
                value = (column[jj + minJ - lastMinJ] * i + value * j) / (i + j);
                column[jj] = value;
            }

            currentLength = maxJ - minJ;
            if (lastLength > currentLength)
            {
                // Carried-over entries beyond the new window count as "already outside".
                var end = Math.Min(maxJ - minJ + (lastLength - currentLength), lengthA);
                for (var j = maxJ - minJ; j < end; j++)
                {
                    column[j] = 1;
                }
            }
        }

        return column[maxJ - minJ - 1];
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
