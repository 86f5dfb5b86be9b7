using MathNet.Numerics.Distributions;
using Portal.Analysis.Common;

namespace Portal.Analysis.Experiments;

/// <summary>
/// Welch's t-test as defined in STATISTICS.md, for the advanced analyses (CUPED) of this folder.
/// Kept separate from <see cref="ExperimentStatistics"/> so the two can evolve independently; both follow
/// SciPy <c>ttest_ind(treatment, control, equal_var=False)</c>.
/// </summary>
internal static class WelchCore
{
    public static WelchResult Test(IReadOnlyList<double> control, IReadOnlyList<double> treatment, double alpha, string controlField, string treatmentField)
    {
        Guard.Finite(control, controlField, 2);
        Guard.Finite(treatment, treatmentField, 2);
        Guard.Probability(alpha, nameof(alpha));

        var (meanC, varC) = MeanAndVariance(control);
        var (meanT, varT) = MeanAndVariance(treatment);
        var seC = varC / control.Count;
        var seT = varT / treatment.Count;
        var se2 = seC + seT;
        if (se2 <= 0)
        {
            throw new AnalysisInputException(treatmentField, "both arms are constant, so the t-test is undefined");
        }

        var se = Math.Sqrt(se2);
        var difference = meanT - meanC;
        var t = difference / se;
        var df = se2 * se2 / (seC * seC / (control.Count - 1) + seT * seT / (treatment.Count - 1));
        var p = Math.Min(1.0, 2 * StudentT.CDF(0, 1, df, -Math.Abs(t)));
        var q = StudentT.InvCDF(0, 1, df, 1 - alpha / 2);
        var lift = meanC != 0 ? difference / meanC : double.NaN;
        return new WelchResult(t, df, p, difference, difference - q * se, difference + q * se, lift, p < alpha);
    }

    /// <summary>Mean and sample variance (ddof 1), two-pass for accuracy.</summary>
    public static (double Mean, double Variance) MeanAndVariance(IReadOnlyList<double> values)
    {
        var sum = 0.0;
        for (var i = 0; i < values.Count; i++)
        {
            sum += values[i];
        }

        var mean = sum / values.Count;
        var squares = 0.0;
        for (var i = 0; i < values.Count; i++)
        {
            var d = values[i] - mean;
            squares += d * d;
        }

        return (mean, values.Count > 1 ? squares / (values.Count - 1) : 0.0);
    }
}
