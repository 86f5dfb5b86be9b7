using Portal.Analysis.Common;

namespace Portal.Analysis.Drift;

/// <summary>
/// Multiple-testing corrections across features, so a drift report over many columns does not
/// flag columns by chance alone.
/// </summary>
public static class MultipleTesting
{
    /// <summary>
    /// Benjamini–Hochberg (false discovery rate) adjusted p-values, in the input order; equal to
    /// statsmodels <c>multipletests(p, method="fdr_bh")[1]</c>. A feature is drifted at FDR q when its
    /// adjusted p-value is ≤ q. An empty input gives an empty result.
    /// </summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> pValues)
    {
        var order = SortedOrder(pValues, nameof(pValues));
        var m = order.Length;
        var adjusted = new double[m];
        var running = double.PositiveInfinity;
        for (var rank = m; rank >= 1; rank--)
        {
            var i = order[rank - 1];
            running = Math.Min(running, pValues[i] * m / rank);
            adjusted[i] = Math.Min(1.0, running);
        }

        return adjusted;
    }

    /// <summary>
    /// Indices sorting the p-values ascending (ties by position); validates that each is a number in [0, 1].
    /// Shared with the Holm correction of the experiment analysis.
    /// </summary>
    internal static int[] SortedOrder(IReadOnlyList<double> pValues, string field)
    {
        Guard.NotNull(pValues, field);
        for (var i = 0; i < pValues.Count; i++)
        {
            var p = pValues[i];
            if (double.IsNaN(p) || p < 0 || p > 1)
            {
                throw new AnalysisInputException(field, $"value at index {i} is {p}; a p-value must be in [0, 1]");
            }
        }

        var order = new int[pValues.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            var byValue = pValues[a].CompareTo(pValues[b]);
            return byValue != 0 ? byValue : a.CompareTo(b);
        });
        return order;
    }
}
