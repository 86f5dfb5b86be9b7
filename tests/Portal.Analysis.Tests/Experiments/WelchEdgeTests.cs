using Portal.Analysis.Common;
using Portal.Analysis.Experiments;

namespace Portal.Analysis.Tests.Experiments;

/// <summary>Edge cases of Welch's t-test; expected numbers from SciPy 1.10.1 (ttest_ind(treatment, control, equal_var=False), t.ppf).</summary>
public class WelchEdgeTests
{
    [Fact]
    public void Welch_rejects_a_single_value()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.Welch([1.0], [1.0, 2.0]));
        Assert.Equal("control", error.Field);
    }

    [Fact]
    public void Welch_rejects_a_single_value_left_after_dropping_missing_ones()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.Welch([1.0, 2.0], [double.NaN, 3.0]));
        Assert.Equal("treatment", error.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Welch_rejects_alpha_outside_0_to_1(double alpha)
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.Welch([1.0, 2.0], [2.0, 3.0], alpha));
        Assert.Equal("alpha", error.Field);
    }

    [Fact]
    public void Welch_rejects_zero_variance_in_both_groups()
    {
        // SciPy answers NaN (or ±inf); there is no statistic to report.
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.Welch([0.1, 0.1, 0.1], [0.2, 0.2]));
        Assert.Equal("treatment", error.Field);
    }

    [Fact]
    public void Welch_rejects_an_infinite_value()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.Welch([1.0, double.PositiveInfinity, 2.0], [2.0, 3.0]));
        Assert.Equal("control", error.Field);
    }

    [Fact]
    public void Welch_gives_no_lift_for_a_control_mean_of_zero_but_still_tests()
    {
        // scipy.stats.ttest_ind([2.0, 3.0], [-1.0, 1.0], equal_var=False): t = 2.23606797749979
        var result = ExperimentStatistics.Welch([-1.0, 1.0], [2.0, 3.0]);
        Assert.Null(result.Lift);
        AssertClose(2.23606797749979, result.T);
        AssertClose(2.5, result.Difference);
    }

    [Fact]
    public void Welch_handles_zero_variance_in_one_group()
    {
        // control [5,5,5,5], treatment [4.0,6.5,5.5,7.25,6.0]: t 1.5583874449479584, df 4.0, p 0.1941435215106958,
        // CI [-0.6643720177346133, 2.3643720177346124], lift 0.16999999999999993
        var result = ExperimentStatistics.Welch([5, 5, 5, 5], [4.0, 6.5, 5.5, 7.25, 6.0]);

        AssertClose(1.5583874449479584, result.T);
        AssertClose(4.0, result.Df);
        AssertClose(0.1941435215106958, result.PValue);
        AssertClose(-0.6643720177346133, result.CiLow);
        AssertClose(2.3643720177346124, result.CiHigh);
        AssertClose(0.16999999999999993, result.Lift);
        Assert.False(result.Significant);
    }

    [Fact]
    public void Welch_drops_missing_values()
    {
        // ttest_ind([2,5,7], [1,2,4], equal_var=False): t 1.3728129459672882, df 3.297560975609756,
        // p 0.2557357804286383, CI [-2.809871417051071, 7.476538083717738]
        var result = ExperimentStatistics.Welch([1.0, double.NaN, 2.0, 4.0], [2.0, 5.0, double.NaN, 7.0]);

        AssertClose(1.3728129459672882, result.T);
        AssertClose(3.297560975609756, result.Df);
        AssertClose(0.2557357804286383, result.PValue);
        AssertClose(-2.809871417051071, result.CiLow);
        AssertClose(7.476538083717738, result.CiHigh);
        AssertClose(1.0, result.Lift);
    }

    [Fact]
    public void Welch_p_value_is_accurate_in_the_far_tail()
    {
        // p 7.619393316288836e-19 (SciPy's stdtr is accurate here); 1 − cdf would give 0.
        var result = ExperimentStatistics.Welch(
            [1.0, 1.1, 0.9, 1.05, 0.95, 1.02, 0.98, 1.01],
            [3.0, 3.1, 2.9, 3.05, 2.95, 3.02, 2.98, 3.01]);

        AssertClose(65.77546929652551, result.T);
        Tails.AssertRelative(7.619393316288836e-19, result.PValue);
        Assert.True(result.Significant);
    }

    [Fact]
    public void Welch_interval_stays_finite_for_a_tiny_alpha_and_df_near_one()
    {
        // control [1,2], treatment [10,30], alpha 1e-6: df 1.0049999687501954, t.ppf(1 − 5e-7, df) ≈ 596246.8,
        // CI [-5969900.5980230225, 5969937.5980230225] (MathNet's StudentT.InvCDF gives up beyond ±800).
        var result = ExperimentStatistics.Welch([1.0, 2.0], [10.0, 30.0], alpha: 1e-6);

        AssertClose(1.0049999687501954, result.Df);
        AssertClose(0.3148669747692458, result.PValue);
        AssertClose(-5969900.5980230225, result.CiLow);
        AssertClose(5969937.5980230225, result.CiHigh);
    }

    [Fact]
    public void Welch_reports_overflowing_values_as_an_input_error()
    {
        // Finite values whose squares overflow: SciPy would answer NaN.
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.Welch([1e200, -1e200, 3e200], [2e200, 5e200]));
        Assert.Equal("treatment", error.Field);
    }

    private static void AssertClose(double expected, double? actual) =>
        Reference.ReferenceCases.AssertClose(expected, actual ?? double.NaN, "welch");
}
