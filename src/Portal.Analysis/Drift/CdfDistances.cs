using System.Runtime.CompilerServices;

namespace Portal.Analysis.Drift;

/// <summary>
/// Distances between the empirical CDFs of two sorted samples, as SciPy's <c>_cdf_distance</c>:
/// Wasserstein-1 = ∫|F − G| and energy distance = √2 · √∫(F − G)², integrated over the pooled values.
/// One merge over both arrays, O(n1 + n2).
/// </summary>
internal static class CdfDistances
{
    public readonly record struct Result(double Wasserstein, double Energy);

    /// <summary>Both samples sorted ascending and non-empty.</summary>
    public static Result Compute(double[] u, double[] v)
    {
        int nu = u.Length, nv = v.Length;
        int i = 0, j = 0;
        double absoluteSum = 0, squaredSum = 0;
        var previous = Math.Min(u[0], v[0]);

        // Walk the pooled values in order. Between the previous pooled value and the next one, F and G are the
        // shares consumed so far (SciPy's searchsorted(..., "right")); tied values add zero-width intervals.
        // The step is chosen without a branch: interleaved samples would mispredict half the time.
        while (i < nu && j < nv)
        {
            double a = u[i], b = v[j];
            int takeU = Unsafe.BitCast<bool, byte>(a <= b);
            var value = Math.Min(a, b);
            var difference = (double)i / nu - (double)j / nv;
            var delta = value - previous;
            absoluteSum += Math.Abs(difference) * delta;
            squaredSum += difference * difference * delta;
            previous = value;
            i += takeU;
            j += 1 - takeU;
        }

        for (; i < nu; i++)
        {
            var difference = (double)i / nu - 1.0;
            var delta = u[i] - previous;
            absoluteSum += Math.Abs(difference) * delta;
            squaredSum += difference * difference * delta;
            previous = u[i];
        }

        for (; j < nv; j++)
        {
            var difference = 1.0 - (double)j / nv;
            var delta = v[j] - previous;
            absoluteSum += Math.Abs(difference) * delta;
            squaredSum += difference * difference * delta;
            previous = v[j];
        }

        return new Result(absoluteSum, Math.Sqrt(2) * Math.Sqrt(squaredSum));
    }

    /// <summary>Population standard deviation (ddof 0) of a sample, two-pass as NumPy's std.</summary>
    public static double StandardDeviation(double[] values)
    {
        var mean = TTest.Mean(values);
        return Math.Sqrt(TTest.SumOfSquares(values, mean) / values.Length);
    }
}
