using Portal.Analysis.Common;

namespace Portal.Analysis.Experiments;

/// <summary>Sample sizes for metrics that are not conversion rates (see <see cref="ExperimentStatistics.SampleSizePerVariant"/> for those).</summary>
public static class SampleSizes
{
    /// <summary>
    /// Units per variant to detect a relative change <paramref name="relativeMde"/> of a mean with a two-sided
    /// Welch / z test: n = ⌈2σ²(z₁₋α/₂ + z_power)² / δ²⌉ with δ = |baselineMean · relativeMde| (equal variances and
    /// equal arm sizes assumed, the usual planning approximation).
    /// </summary>
    /// <exception cref="AnalysisInputException">
    /// A baseline mean of 0 or not finite, a standard deviation that is not positive and finite, a relativeMde of 0,
    /// power or alpha outside (0, 1).
    /// </exception>
    public static long ContinuousPerVariant(double baselineMean, double standardDeviation, double relativeMde, double power = 0.8, double alpha = 0.05)
    {
        Guard.InOpenUnitInterval(power, "power");
        Guard.InOpenUnitInterval(alpha, "alpha");
        if (!double.IsFinite(baselineMean) || baselineMean == 0)
        {
            throw new AnalysisInputException("baselineMean", $"must be a finite non-zero number (the MDE is relative to it), got {Guard.Format(baselineMean)}.");
        }

        if (!(standardDeviation > 0 && double.IsFinite(standardDeviation)))
        {
            throw new AnalysisInputException("baselineStdDev", $"must be a positive number, got {Guard.Format(standardDeviation)}.");
        }

        if (relativeMde == 0 || !double.IsFinite(relativeMde))
        {
            throw new AnalysisInputException("relativeMde", $"must be a non-zero number, got {Guard.Format(relativeMde)}.");
        }

        var delta = Math.Abs(baselineMean * relativeMde);
        var zSum = StandardNormal.Quantile(1 - (alpha / 2)) + StandardNormal.Quantile(power);
        var n = Math.Ceiling(2 * standardDeviation * standardDeviation * zSum * zSum / (delta * delta));
        if (!(n < long.MaxValue))
        {
            throw new AnalysisInputException("relativeMde", "relativeMde is too small: the sample size does not fit a 64-bit count.");
        }

        return (long)n;
    }
}
