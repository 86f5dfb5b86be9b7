using Portal.Analysis.Common;
using Portal.Analysis.Performance;

namespace Portal.Analysis.Tests.Performance;

/// <summary>Edge cases of the regression metrics; expected numbers from scikit-learn 1.2.1 / NumPy 1.24.2.</summary>
public class RegressionEdgeTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Regression_matches_sklearn_on_a_small_example()
    {
        // y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8]: mean_absolute_error 0.5,
        // mean_squared_error(squared=False) 0.6123724356957945, r2_score 0.9486081370449679,
        // mean_absolute_percentage_error 0.3273809523809524, residual mean -0.25, std(ddof=1) 0.6454972243679028
        var result = RegressionMetrics.Compute([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]);

        Assert.Equal(0.5, result.Mae, Tolerance);
        Assert.Equal(0.6123724356957945, result.Rmse, Tolerance);
        Assert.Equal(0.9486081370449679, result.R2, Tolerance);
        Assert.Equal(0.3273809523809524, result.Mape, Tolerance);
        Assert.Equal(-0.25, result.MeanResidual, Tolerance);
        Assert.Equal(0.6454972243679028, result.StdResidual, Tolerance);
    }

    [Fact]
    public void R2_is_one_for_perfect_predictions_of_a_constant_yTrue()
    {
        // r2_score([-2,-2,-2], [-2,-2,-2]) == 1.0 (force_finite)
        Assert.Equal(1.0, RegressionMetrics.Compute([-2, -2, -2], [-2, -2, -2]).R2);
    }

    [Fact]
    public void R2_is_zero_for_imperfect_predictions_of_a_constant_yTrue()
    {
        // r2_score([-2,-2,-2], [-2,-2,-2+1e-8]) == 0.0 (force_finite)
        Assert.Equal(0.0, RegressionMetrics.Compute([-2, -2, -2], [-2, -2, -2 + 1e-8]).R2);
    }

    [Fact]
    public void R2_treats_a_constant_yTrue_as_constant_even_when_its_mean_rounds()
    {
        // scikit-learn gives -1.73e31 here only because np.mean([0.1]*3) != 0.1 leaves a 1e-34 denominator;
        // the definition it implements (constant yTrue, imperfect predictions) is 0.0.
        Assert.Equal(0.0, RegressionMetrics.Compute([0.1, 0.1, 0.1], [0.1, 0.2, 0.1]).R2);
    }

    [Fact]
    public void Mape_floors_a_zero_yTrue_at_float64_eps()
    {
        // mean_absolute_percentage_error([0,1,2], [0.5,1,2.5]) == 750599937895082.6
        Assert.Equal(750599937895082.6, RegressionMetrics.Compute([0, 1, 2], [0.5, 1, 2.5]).Mape, 1e-12 * 750599937895082.6);
    }

    [Fact]
    public void Regression_rejects_a_single_value()
    {
        var error = Assert.Throws<AnalysisInputException>(() => RegressionMetrics.Compute([1.0], [1.5]));
        Assert.Equal("yTrue", error.Field);
    }

    [Fact]
    public void Regression_rejects_empty_input()
    {
        var error = Assert.Throws<AnalysisInputException>(() => RegressionMetrics.Compute([], []));
        Assert.Equal("yTrue", error.Field);
    }

    [Fact]
    public void Regression_rejects_mismatched_lengths()
    {
        var error = Assert.Throws<AnalysisInputException>(() => RegressionMetrics.Compute([1, 2, 3], [1, 2]));
        Assert.Equal("yPred", error.Field);
    }

    [Fact]
    public void Regression_reports_overflowing_values_as_an_input_error()
    {
        var error = Assert.Throws<AnalysisInputException>(() => RegressionMetrics.Compute([1e200, -1e200], [-1e200, 1e200]));
        Assert.Equal("yTrue", error.Field);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Regression_rejects_a_value_that_is_not_finite(double value)
    {
        var error = Assert.Throws<AnalysisInputException>(() => RegressionMetrics.Compute([1, 2, 3], [1, value, 3]));
        Assert.Equal("yPred", error.Field);
        Assert.Contains("yPred[1]", error.Message);
    }
}
