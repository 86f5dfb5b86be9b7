using Portal.Analysis.Common;
using Portal.Analysis.Performance;

namespace Portal.Analysis.Experiments;

/// <summary>Treatment − control difference of a percentile (e.g. latency p99), with a confidence interval.</summary>
/// <param name="Control">The control arm's percentile (NumPy linear interpolation).</param>
/// <param name="Treatment">The treatment arm's percentile.</param>
/// <param name="Difference">Treatment − control.</param>
/// <param name="Z">Difference / its standard error (0 when both errors are 0 and the difference is 0).</param>
/// <param name="PValue">Two-sided normal p-value of "no difference".</param>
/// <param name="CiLow">Lower end of the (1 − α) interval of the difference.</param>
/// <param name="CiHigh">Upper end of the interval.</param>
/// <param name="ControlStandardError">Standard error of the control arm's percentile.</param>
/// <param name="TreatmentStandardError">Standard error of the treatment arm's percentile.</param>
public sealed record QuantileDifference(double Control, double Treatment, double Difference, double Z, double PValue, double CiLow, double CiHigh, double ControlStandardError = 0, double TreatmentStandardError = 0);

/// <summary>
/// Compares a percentile of two independent samples without assuming a distribution. Each arm's standard error
/// comes from the distribution-free order-statistic interval of its quantile: with n values and quantile q the
/// ranks n·q ± z₁₋α/₂·√(n·q(1 − q)) bound a (1 − α) interval, and SE ≈ (upper − lower) / (2·z₁₋α/₂). The difference
/// then has SE = √(SE_c² + SE_t²), a normal p-value and the interval difference ± z₁₋α/₂·SE.
/// </summary>
public static class QuantileComparison
{
    /// <summary>Compares percentile <paramref name="q"/> (in (0, 100)) of treatment against control.</summary>
    /// <exception cref="AnalysisInputException">Fewer than two values in an arm, a non-finite value, q or alpha out of range.</exception>
    public static QuantileDifference Compare(IReadOnlyList<double> control, IReadOnlyList<double> treatment, double q, double alpha = 0.05)
    {
        if (!(q > 0 && q < 100))
        {
            throw new AnalysisInputException("q", $"must be in (0, 100), got {Guard.Format(q)}.");
        }

        Guard.InOpenUnitInterval(alpha, "alpha");
        Guard.Finite(control, nameof(control), 2);
        Guard.Finite(treatment, nameof(treatment), 2);
        var zHalf = StandardNormal.Quantile(1 - (alpha / 2));
        var (c, seC) = Estimate(control, q / 100, zHalf);
        var (t, seT) = Estimate(treatment, q / 100, zHalf);
        var difference = t - c;
        var se = Math.Sqrt((seC * seC) + (seT * seT));
        double z, p;
        if (se > 0)
        {
            z = difference / se;
            p = StandardNormal.TwoSidedPValue(z);
        }
        else
        {
            // Both arms constant around the quantile: an exact difference.
            z = difference == 0 ? 0 : Math.Sign(difference) * double.PositiveInfinity;
            p = difference == 0 ? 1 : 0;
        }

        return new QuantileDifference(c, t, difference, z, p, difference - (zHalf * se), difference + (zHalf * se), seC, seT);
    }

    private static (double Value, double StandardError) Estimate(IReadOnlyList<double> values, double q, double zHalf)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var n = sorted.Length;
        var value = Percentiles.OfSorted(sorted, q * 100);
        var spread = zHalf * Math.Sqrt(n * q * (1 - q));
        var lower = Math.Clamp((int)Math.Floor((n * q) - spread), 1, n);
        var upper = Math.Clamp((int)Math.Ceiling((n * q) + spread), 1, n);
        return (value, (sorted[upper - 1] - sorted[lower - 1]) / (2 * zHalf));
    }
}
