using Portal.Analysis.Common;
using Portal.Analysis.Experiments;

namespace Portal.Analysis.Tests.Experiments;

/// <summary>
/// Edge cases of the two-proportion test; expected numbers from statsmodels 0.13.5
/// proportions_ztest([st, sc], [nt, nc]) and the Wald interval with scipy.stats.norm.ppf(1 − α/2).
/// </summary>
public class ProportionsEdgeTests
{
    [Fact]
    public void TwoProportions_handles_zero_successes_in_treatment()
    {
        // control 12/140, treatment 0/150: z -3.662257151116565, p 0.00025000271356621093,
        // CI [-0.1320858391982572, -0.039342732230314224], lift -1.0
        var result = ExperimentStatistics.TwoProportions(new Proportion(12, 140), new Proportion(0, 150));

        AssertClose(-3.662257151116565, result.Z);
        AssertClose(0.00025000271356621093, result.PValue);
        AssertClose(-0.08571428571428572, result.Difference);
        AssertClose(-0.1320858391982572, result.CiLow);
        AssertClose(-0.039342732230314224, result.CiHigh);
        AssertClose(-1.0, result.Lift);
        Assert.True(result.Significant);
    }

    [Fact]
    public void TwoProportions_p_value_is_accurate_in_the_far_tail()
    {
        // control 1000/10000, treatment 1500/10000: z 10.690449676496971, p 1.128226302869106e-26
        var result = ExperimentStatistics.TwoProportions(new Proportion(1000, 10000), new Proportion(1500, 10000));

        AssertClose(10.690449676496971, result.Z);
        Tails.AssertRelative(1.128226302869106e-26, result.PValue);
    }

    [Fact]
    public void TwoProportions_rejects_successes_above_trials()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.TwoProportions(new Proportion(11, 10), new Proportion(5, 10)));
        Assert.Equal("control.successes", error.Field);
    }

    [Fact]
    public void TwoProportions_rejects_negative_successes()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.TwoProportions(new Proportion(1, 10), new Proportion(-1, 10)));
        Assert.Equal("treatment.successes", error.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void TwoProportions_rejects_trials_that_are_not_positive(long trials)
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.TwoProportions(new Proportion(0, trials), new Proportion(1, 10)));
        Assert.Equal("control.trials", error.Field);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 20)]
    public void TwoProportions_rejects_identical_rates_of_zero_or_one(long controlSuccesses, long treatmentSuccesses)
    {
        // The pooled standard error is 0: statsmodels answers NaN.
        var error = Assert.Throws<AnalysisInputException>(
            () => ExperimentStatistics.TwoProportions(new Proportion(controlSuccesses, 10), new Proportion(treatmentSuccesses, 20)));
        Assert.Equal("treatment", error.Field);
    }

    [Fact]
    public void TwoProportions_gives_no_lift_for_a_control_rate_of_zero_but_still_tests()
    {
        var result = ExperimentStatistics.TwoProportions(new Proportion(0, 10), new Proportion(3, 10));
        Assert.Null(result.Lift);
        AssertClose(0.3, result.Difference);
        Assert.True(result.Z > 0);
    }

    [Fact]
    public void TwoProportions_rejects_alpha_outside_0_to_1()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.TwoProportions(new Proportion(1, 10), new Proportion(2, 10), 1.0));
        Assert.Equal("alpha", error.Field);
    }

    [Fact]
    public void TwoProportions_rejects_an_alpha_too_small_for_a_finite_interval()
    {
        // norm.ppf(1 − 5e-321) is +inf: the interval would be (−inf, inf).
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.TwoProportions(new Proportion(1, 10), new Proportion(2, 10), 1e-320));
        Assert.Equal("alpha", error.Field);
    }

    private static void AssertClose(double expected, double? actual) =>
        Reference.ReferenceCases.AssertClose(expected, actual ?? double.NaN, "proportions");
}
