using Portal.Analysis.Drift;

namespace Portal.Analysis.Experiments;

/// <summary>Holm–Bonferroni step-down correction, used across an experiment's secondary metrics.</summary>
public static class HolmBonferroni
{
    /// <summary>
    /// Holm adjusted p-values in the input order; equal to statsmodels
    /// <c>multipletests(p, method="holm")[1]</c>: sorted ascending, p₍ₖ₎·(m − k + 1), running maximum,
    /// capped at 1. A metric is significant at family-wise level α when its adjusted p-value is ≤ α.
    /// An empty input gives an empty result.
    /// </summary>
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        var order = MultipleTesting.SortedOrder(pValues, nameof(pValues));
        var m = order.Length;
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 1; rank <= m; rank++)
        {
            var i = order[rank - 1];
            running = Math.Max(running, pValues[i] * (m - rank + 1));
            adjusted[i] = Math.Min(1.0, running);
        }

        return adjusted;
    }
}
