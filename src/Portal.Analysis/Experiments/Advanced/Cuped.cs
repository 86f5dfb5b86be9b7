using Portal.Analysis.Common;

namespace Portal.Analysis.Experiments;

/// <summary>CUPED analysis of a continuous metric.</summary>
/// <param name="Theta">θ = cov(Y, X) / var(X) over both arms pooled; 0 when the covariate is constant.</param>
/// <param name="VarianceReduction">
/// 1 − SE²(adjusted difference) / SE²(raw difference): the share of the variance of the treatment − control
/// estimate that the covariate removed (about ρ² of metric and covariate).
/// </param>
/// <param name="ControlAdjustedMean">Mean of Yᵢ − θ(Xᵢ − X̄) in control (X̄: pooled covariate mean).</param>
/// <param name="TreatmentAdjustedMean">The same in treatment.</param>
/// <param name="Unadjusted">Welch test on the raw metric.</param>
/// <param name="Adjusted">Welch test on the adjusted metric: the result to report.</param>
public sealed record CupedResult(
    double Theta,
    double VarianceReduction,
    double ControlAdjustedMean,
    double TreatmentAdjustedMean,
    WelchResult Unadjusted,
    WelchResult Adjusted);

/// <summary>
/// CUPED (Deng, Xu, Kohavi and Walker 2013): variance reduction with a pre-experiment covariate X of the
/// metric Y (typically the same metric in the weeks before assignment). Because X is independent of the
/// assignment, the adjustment does not bias the difference, and it shrinks its variance by about ρ²(X, Y).
/// </summary>
public static class Cuped
{
    /// <summary>
    /// Adjusts Y by θ(X − X̄) with θ and X̄ pooled over both arms, then runs Welch's t-test (treatment − control)
    /// on the adjusted values. Each arm needs at least two units, one covariate value per unit, finite numbers.
    /// </summary>
    public static CupedResult Analyze(
        IReadOnlyList<double> controlMetric,
        IReadOnlyList<double> controlCovariate,
        IReadOnlyList<double> treatmentMetric,
        IReadOnlyList<double> treatmentCovariate,
        double alpha = 0.05)
    {
        Guard.Finite(controlMetric, nameof(controlMetric), 2);
        Guard.Finite(treatmentMetric, nameof(treatmentMetric), 2);
        Guard.Finite(controlCovariate, nameof(controlCovariate), 2);
        Guard.Finite(treatmentCovariate, nameof(treatmentCovariate), 2);
        Guard.SameLength(controlMetric.Count, controlCovariate.Count, nameof(controlCovariate));
        Guard.SameLength(treatmentMetric.Count, treatmentCovariate.Count, nameof(treatmentCovariate));

        var n = controlMetric.Count + treatmentMetric.Count;
        var meanX = (Sum(controlCovariate) + Sum(treatmentCovariate)) / n;
        var meanY = (Sum(controlMetric) + Sum(treatmentMetric)) / n;
        var covariance = CrossDeviations(controlMetric, controlCovariate, meanY, meanX) + CrossDeviations(treatmentMetric, treatmentCovariate, meanY, meanX);
        var varianceX = CrossDeviations(controlCovariate, controlCovariate, meanX, meanX) + CrossDeviations(treatmentCovariate, treatmentCovariate, meanX, meanX);
        var theta = varianceX > 0 ? covariance / varianceX : 0.0;

        var controlAdjusted = Adjust(controlMetric, controlCovariate, theta, meanX);
        var treatmentAdjusted = Adjust(treatmentMetric, treatmentCovariate, theta, meanX);

        var raw = WelchCore.Test(controlMetric, treatmentMetric, alpha, nameof(controlMetric), nameof(treatmentMetric));
        var adjusted = WelchCore.Test(controlAdjusted, treatmentAdjusted, alpha, nameof(controlMetric), nameof(treatmentMetric));

        var rawSe2 = SquaredStandardError(controlMetric, treatmentMetric);
        var adjustedSe2 = SquaredStandardError(controlAdjusted, treatmentAdjusted);
        return new CupedResult(
            theta,
            1 - adjustedSe2 / rawSe2,
            Sum(controlAdjusted) / controlAdjusted.Length,
            Sum(treatmentAdjusted) / treatmentAdjusted.Length,
            raw,
            adjusted);
    }

    private static double[] Adjust(IReadOnlyList<double> metric, IReadOnlyList<double> covariate, double theta, double meanX)
    {
        var adjusted = new double[metric.Count];
        for (var i = 0; i < adjusted.Length; i++)
        {
            adjusted[i] = metric[i] - theta * (covariate[i] - meanX);
        }

        return adjusted;
    }

    private static double SquaredStandardError(IReadOnlyList<double> control, IReadOnlyList<double> treatment)
    {
        var (_, varC) = WelchCore.MeanAndVariance(control);
        var (_, varT) = WelchCore.MeanAndVariance(treatment);
        return varC / control.Count + varT / treatment.Count;
    }

    private static double Sum(IReadOnlyList<double> values)
    {
        var sum = 0.0;
        for (var i = 0; i < values.Count; i++)
        {
            sum += values[i];
        }

        return sum;
    }

    private static double CrossDeviations(IReadOnlyList<double> a, IReadOnlyList<double> b, double meanA, double meanB)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Count; i++)
        {
            sum += (a[i] - meanA) * (b[i] - meanB);
        }

        return sum;
    }
}
