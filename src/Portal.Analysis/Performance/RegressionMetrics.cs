using Portal.Analysis.Common;

namespace Portal.Analysis.Performance;

/// <summary>
/// Regression metrics as scikit-learn 1.2 computes them. Residuals are yTrue − yPred; <see cref="Mape"/> is a
/// fraction (0.08 = 8%); <see cref="StdResidual"/> uses ddof 1.
/// </summary>
public sealed record RegressionResult(double Mae, double Rmse, double R2, double Mape, double MeanResidual, double StdResidual);

/// <summary>scikit-learn compatible regression metrics.</summary>
public static class RegressionMetrics
{
    /// <summary>np.finfo(np.float64).eps, the floor scikit-learn puts under |yTrue| in MAPE.</summary>
    private const double MapeEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// mean_absolute_error, mean_squared_error(squared=False), r2_score (force_finite: constant yTrue gives 1.0
    /// for perfect predictions, else 0.0), mean_absolute_percentage_error (|yTrue| floored at float64 eps),
    /// and mean / sample standard deviation of the residuals.
    /// </summary>
    /// <exception cref="AnalysisInputException">
    /// Fewer than two pairs (r2 and the residual std are undefined), lengths differ, or a value is not finite.
    /// </exception>
    public static RegressionResult Compute(IReadOnlyList<double> yTrue, IReadOnlyList<double> yPred)
    {
        Guard.NotEmpty(yTrue.Count, "yTrue");
        Guard.SameLength(yTrue.Count, yPred.Count, "yPred", "yTrue");
        if (yTrue.Count < 2)
        {
            throw new AnalysisInputException("yTrue", "At least two values are needed: r2 and stdResidual are undefined for one.");
        }

        Guard.AllFinite(yTrue, "yTrue");
        Guard.AllFinite(yPred, "yPred");

        var n = yTrue.Count;
        var actual = new double[n];
        var residuals = new double[n];
        double absoluteErrorSum = 0, squaredErrorSum = 0, percentageErrorSum = 0;
        for (var i = 0; i < n; i++)
        {
            actual[i] = yTrue[i];
            residuals[i] = yTrue[i] - yPred[i];
            var absoluteError = Math.Abs(residuals[i]);
            absoluteErrorSum += absoluteError;
            squaredErrorSum += residuals[i] * residuals[i];
            percentageErrorSum += absoluteError / Math.Max(Math.Abs(yTrue[i]), MapeEpsilon);
        }

        var meanResidual = Moments.Mean(residuals);
        var result = new RegressionResult(
            Mae: absoluteErrorSum / n,
            Rmse: Math.Sqrt(squaredErrorSum / n),
            R2: R2(actual, squaredErrorSum),
            Mape: percentageErrorSum / n,
            MeanResidual: meanResidual,
            StdResidual: Math.Sqrt(Moments.SampleVariance(residuals, meanResidual)));
        Guard.FiniteResults("yTrue", result.Mae, result.Rmse, result.R2, result.Mape, result.MeanResidual, result.StdResidual);
        return result;
    }

    /// <summary>r2_score with force_finite=True.</summary>
    private static double R2(double[] actual, double squaredErrorSum)
    {
        if (squaredErrorSum == 0)
        {
            return 1.0;
        }

        // Constant yTrue: scikit-learn returns 0.0 instead of −inf. Checked exactly rather than through a
        // rounded mean, which would leave a tiny non-zero denominator and a meaningless huge negative score.
        if (Moments.IsConstant(actual))
        {
            return 0.0;
        }

        var mean = Moments.Mean(actual);
        var totalSquares = 0.0;
        foreach (var value in actual)
        {
            totalSquares += (value - mean) * (value - mean);
        }

        return 1 - (squaredErrorSum / totalSquares);
    }
}
