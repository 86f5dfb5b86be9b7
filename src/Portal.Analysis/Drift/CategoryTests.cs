using MathNet.Numerics;

namespace Portal.Analysis.Drift;

/// <summary>Tests on category counts: Pearson's χ² goodness of fit and the pooled two-proportion z-test.</summary>
internal static class CategoryTests
{
    /// <param name="Statistic">Null when infinite (a category absent from the reference).</param>
    /// <param name="PValue">Upper tail of χ² with (categories − 1) degrees of freedom.</param>
    public readonly record struct ChiSquareResult(double? Statistic, double PValue);

    public readonly record struct ZResult(double Statistic, double PValue);

    /// <summary>
    /// <c>scipy.stats.chisquare(current counts, reference counts · n_cur/n_ref)</c> over the union of categories.
    /// A category that occurs in current but never in the reference has expected count 0: SciPy's statistic is
    /// then +∞ and its p-value 0, so p = 0 (certain drift) and the statistic is left out. With a single category
    /// in both there is nothing to test (SciPy gives NaN for 0 degrees of freedom): statistic 0, p = 1.
    /// </summary>
    public static ChiSquareResult ChiSquare(ValueCounts counts)
    {
        if (counts.Count < 2)
        {
            return new ChiSquareResult(0.0, 1.0);
        }

        var scale = (double)counts.CurrentTotal / counts.ReferenceTotal;
        var statistic = 0.0;
        for (var i = 0; i < counts.Count; i++)
        {
            var expected = counts.Reference[i] * scale;
            if (expected == 0)
            {
                return new ChiSquareResult(null, 0.0);
            }

            double observed = counts.Current[i];
            statistic += (observed - expected) * (observed - expected) / expected;
        }

        var pValue = SpecialFunctions.GammaUpperRegularized((counts.Count - 1) / 2.0, statistic / 2);
        return new ChiSquareResult(statistic, pValue);
    }

    /// <summary>
    /// Pooled two-proportion z-test of the share of the "positive" value — the last one in sorted order — in
    /// reference against current (positive statistic: the share fell). With more than two values it compares the
    /// last value against all others. Both samples holding the same single value: statistic 0, p = 1 (as Evidently).
    /// </summary>
    public static ZResult ZTest(ValueCounts counts)
    {
        if (counts.Count < 2)
        {
            return new ZResult(0.0, 1.0);
        }

        var positive = counts.Count - 1;
        double n1 = counts.ReferenceTotal, n2 = counts.CurrentTotal;
        var p1 = counts.Reference[positive] / n1;
        var p2 = counts.Current[positive] / n2;
        var pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        var z = (p1 - p2) / Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        return new ZResult(z, Math.Clamp(2 * MannWhitney.NormalSf(Math.Abs(z)), 0, 1));
    }
}
