using MathNet.Numerics;

namespace Portal.Analysis.Drift;

/// <summary>Student's two-sample t-test with pooled variance, two-sided, as SciPy <c>ttest_ind(a, b)</c>.</summary>
internal static class TTest
{
    /// <summary>
    /// Needs at least two values per sample (SciPy's sample variance is undefined otherwise). With no spread in
    /// either sample SciPy divides by zero: equal means give 0/0, defined here as p = 1; different means give an
    /// infinite t, i.e. p = 0.
    /// </summary>
    public static double PValue(double[] a, double[] b)
    {
        var meanA = Mean(a);
        var meanB = Mean(b);
        var pooledVariance = (SumOfSquares(a, meanA) + SumOfSquares(b, meanB)) / (a.Length + b.Length - 2);
        var difference = meanA - meanB;
        var denominator = Math.Sqrt(pooledVariance * (1.0 / a.Length + 1.0 / b.Length));
        if (!(denominator > 0))
        {
            return difference == 0 ? 1.0 : 0.0;
        }

        var t = difference / denominator;
        return StudentTwoSidedP(t, a.Length + b.Length - 2);
    }

    /// <summary>2·P(T_df ≥ |t|) = I_{df/(df+t²)}(df/2, ½).</summary>
    public static double StudentTwoSidedP(double t, double degreesOfFreedom)
    {
        if (double.IsInfinity(t))
        {
            return 0.0;
        }

        var x = degreesOfFreedom / (degreesOfFreedom + t * t);
        return Math.Clamp(SpecialFunctions.BetaRegularized(degreesOfFreedom / 2, 0.5, x), 0, 1);
    }

    /// <summary>Mean by compensated (Neumaier) summation, so offsets like 1e9 + noise keep their digits.</summary>
    internal static double Mean(double[] values)
    {
        double sum = 0.0, compensation = 0.0;
        foreach (var v in values)
        {
            var next = sum + v;
            compensation += Math.Abs(sum) >= Math.Abs(v) ? (sum - next) + v : (v - next) + sum;
            sum = next;
        }

        return (sum + compensation) / values.Length;
    }

    /// <summary>Σ(v − mean)², the two-pass form NumPy's var uses.</summary>
    internal static double SumOfSquares(double[] values, double mean)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            var deviation = v - mean;
            sum += deviation * deviation;
        }

        return sum;
    }
}
