using MathNet.Numerics;

namespace Portal.Analysis.Drift;

/// <summary>
/// Tests on category counts: Pearson's χ² goodness of fit (Evidently's chisquare), the χ² test of homogeneity
/// (chi2_contingency) and the pooled two-proportion z-test.
/// </summary>
internal static class CategoryTests
{
    /// <param name="Statistic">Null when infinite (a category absent from the reference).</param>
    /// <param name="PValue">Upper tail of χ² with (categories − 1) degrees of freedom.</param>
    public readonly record struct ChiSquareResult(double? Statistic, double PValue);

    public readonly record struct ContingencyResult(double Statistic, double PValue);

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
    /// <c>scipy.stats.chi2_contingency([reference counts, current counts], correction=False)</c>: Pearson's χ² test of
    /// homogeneity on the 2×k table over the union of categories, expected counts row total · column total / N,
    /// k − 1 degrees of freedom. Unlike <see cref="ChiSquare"/> it lets the reference vary too, so it keeps its size
    /// on healthy windows. Every column of the table is non-empty by construction (the union), so the statistic is
    /// always finite. One category in both (0 degrees of freedom): statistic 0, p = 1, as SciPy.
    /// </summary>
    public static ContingencyResult Contingency(ValueCounts counts)
    {
        if (counts.Count < 2)
        {
            return new ContingencyResult(0.0, 1.0);
        }

        double referenceTotal = counts.ReferenceTotal, currentTotal = counts.CurrentTotal;
        var total = referenceTotal + currentTotal;
        var statistic = 0.0;
        for (var i = 0; i < counts.Count; i++)
        {
            double reference = counts.Reference[i], current = counts.Current[i];
            var column = reference + current;
            var expectedReference = referenceTotal * column / total;
            var expectedCurrent = currentTotal * column / total;
            statistic += (reference - expectedReference) * (reference - expectedReference) / expectedReference
                + (current - expectedCurrent) * (current - expectedCurrent) / expectedCurrent;
        }

        var pValue = SpecialFunctions.GammaUpperRegularized((counts.Count - 1) / 2.0, statistic / 2);
        return new ContingencyResult(statistic, pValue);
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
