using Portal.Analysis.Common;

namespace Portal.Analysis.Performance;

/// <summary>
/// Count, missing (NaN) count, mean, sample standard deviation (ddof 1; null for a single value) and
/// percentiles of raw values.
/// </summary>
public sealed record ValueSummary(int Count, int Missing, double Mean, double? Std, double P50, double P95, double P99);

/// <summary>Percentiles over raw values, as NumPy's default <c>np.percentile(values, q)</c> (method "linear").</summary>
public static class Percentiles
{
    /// <summary>NumPy's default (linear interpolation) percentile, q in [0, 100], of ascending values.</summary>
    /// <exception cref="AnalysisInputException">No values, a non-finite value, or q outside [0, 100].</exception>
    public static double OfSorted(ReadOnlySpan<double> sorted, double q)
    {
        Guard.NotEmpty(sorted.Length, "values");
        if (!(q >= 0 && q <= 100))
        {
            throw new AnalysisInputException("q", $"q must be between 0 and 100, got {Guard.Format(q)}.");
        }

        for (var i = 0; i < sorted.Length; i++)
        {
            if (!double.IsFinite(sorted[i]))
            {
                throw new AnalysisInputException("values", $"values[{i}] must be a finite number, got {Guard.Format(sorted[i])}.");
            }
        }

        // Same arithmetic as NumPy 1.24: virtual index (n − 1)·q/100, clamped to the last value.
        var virtualIndex = (sorted.Length - 1) * (q / 100);
        if (virtualIndex >= sorted.Length - 1)
        {
            return sorted[^1];
        }

        var previous = (int)Math.Floor(virtualIndex);
        var weight = virtualIndex - previous;
        var percentile = Lerp(sorted[previous], sorted[previous + 1], weight);
        Guard.FiniteResults("values", percentile);
        return percentile;
    }

    /// <summary>Summary of values for dashboards; NaN values are missing and are dropped.</summary>
    /// <exception cref="AnalysisInputException">No non-missing values, or an infinite value.</exception>
    public static ValueSummary Summarize(IReadOnlyList<double> values)
    {
        var present = new List<double>(values.Count);
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                present.Add(value);
            }
        }

        if (present.Count == 0)
        {
            throw new AnalysisInputException("values", "values has no non-missing value.");
        }

        Guard.AllFinite(present, "values");
        // Moments in input order (as NumPy sums), percentiles after sorting.
        var sorted = present.ToArray();
        var mean = Moments.Mean(sorted);
        double? std = sorted.Length < 2 ? null : Math.Sqrt(Moments.SampleVariance(sorted, mean));
        Guard.FiniteResults("values", mean, std ?? 0);
        Array.Sort(sorted);
        return new ValueSummary(
            sorted.Length,
            values.Count - sorted.Length,
            mean,
            std,
            OfSorted(sorted, 50),
            OfSorted(sorted, 95),
            OfSorted(sorted, 99));
    }

    /// <summary>NumPy's <c>_lerp</c>: interpolates from the nearer end so that weight 1 returns b exactly.</summary>
    private static double Lerp(double a, double b, double weight)
    {
        var difference = b - a;
        return weight >= 0.5 ? b - (difference * (1 - weight)) : a + (difference * weight);
    }
}
