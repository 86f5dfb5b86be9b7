namespace Portal.Analysis.Common;

/// <summary>
/// Student's t tail probabilities and quantiles for real degrees of freedom (Welch's df is not an integer).
/// MathNet's StudentT.InvCDF searches only [−800, 800] and throws outside it; its CDF loses the small tails.
/// </summary>
internal static class StudentTDistribution
{
    /// <summary>P(T ≥ t) for t ≥ 0, as SciPy's <c>t.sf</c>.</summary>
    public static double UpperTail(double t, double df)
    {
        if (t == 0)
        {
            return 0.5;
        }

        var t2 = t * t;
        var tail = 0.5 * IncompleteBeta.Regularized(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
        return t > 0 ? tail : 1 - tail;
    }

    /// <summary>Two-sided p-value 2·P(T ≥ |t|), as SciPy's <c>2 * stdtr(df, -|t|)</c>.</summary>
    public static double TwoSidedPValue(double t, double df) => 2 * UpperTail(Math.Abs(t), df);

    /// <summary>The t with P(T ≥ t) = upperTail, for upperTail in (0, 0.5], as SciPy's <c>t.isf</c>.</summary>
    public static double UpperQuantile(double upperTail, double df)
    {
        var low = 0.0;
        var high = 1.0;
        while (UpperTail(high, df) > upperTail)
        {
            low = high;
            high *= 2;
        }

        // Bisection: boring, and the tail is monotone, so it cannot fail to converge.
        for (var i = 0; i < 200 && high - low > 1e-15 * high; i++)
        {
            var middle = 0.5 * (low + high);
            if (UpperTail(middle, df) > upperTail)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return 0.5 * (low + high);
    }
}
