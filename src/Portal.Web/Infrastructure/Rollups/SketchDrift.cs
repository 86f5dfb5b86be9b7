using Portal.Data.Rollups;

namespace Portal.Web.Infrastructure.Rollups;

/// <summary>
/// Drift of a feature computed on sketches only (reference column sketch vs the window's rollup sketches), so
/// the summary never reads raw rows. Numerical: 10 bins at the reference deciles (read from its log-bucket
/// histogram, ±2 % relative); categorical: one bin per category. PSI = Σ (r − c)·ln(r / c) with empty shares filled
/// as in STATISTICS.md; drifted when PSI ≥ 0.1. The full drift jobs (every test, on raw windows) are separate.
/// </summary>
public static class SketchDrift
{
    public const double PsiThreshold = 0.1;

    public static double NumericalPsi(LogHistogram reference, LogHistogram current)
    {
        if (reference.Count == 0 || current.Count == 0)
        {
            return double.NaN;
        }

        var edges = Enumerable.Range(1, 9).Select(i => reference.Quantile(i / 10.0)!.Value).Distinct().Order().ToArray();
        return Psi(Shares(reference, edges), Shares(current, edges));
    }

    public static double CategoricalPsi(Dictionary<string, long> reference, Dictionary<string, long> current)
    {
        if (reference.Count == 0 || current.Count == 0)
        {
            return double.NaN;
        }

        var categories = reference.Keys.Union(current.Keys).ToArray();
        double refTotal = reference.Values.Sum(), curTotal = current.Values.Sum();
        return Psi(
            categories.Select(c => reference.GetValueOrDefault(c) / refTotal).ToArray(),
            categories.Select(c => current.GetValueOrDefault(c) / curTotal).ToArray());
    }

    private static double[] Shares(LogHistogram histogram, double[] edges)
    {
        var counts = new double[edges.Length + 1];
        double total = 0;
        foreach (var (value, count) in histogram.Buckets())
        {
            var bin = Array.BinarySearch(edges, value);
            bin = bin >= 0 ? bin : ~bin;
            counts[bin] += count;
            total += count;
        }

        return counts.Select(c => c / total).ToArray();
    }

    private static double Psi(double[] reference, double[] current)
    {
        Fill(reference);
        Fill(current);
        double psi = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            psi += (reference[i] - current[i]) * Math.Log(reference[i] / current[i]);
        }

        return psi;
    }

    /// <summary>An empty share becomes 0.0001, or min(non-zero share) / 10⁶ when that minimum is ≤ 0.0001.</summary>
    private static void Fill(double[] shares)
    {
        var minNonZero = shares.Where(s => s > 0).DefaultIfEmpty(1).Min();
        var fill = minNonZero <= 0.0001 ? minNonZero / 1e6 : 0.0001;
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = shares[i] > 0 ? shares[i] : fill;
        }
    }
}
