using Portal.Analysis.Common;
using Portal.Analysis.Experiments;

namespace Portal.Analysis.Tests.Experiments;

/// <summary>Edge cases of the sample-ratio-mismatch check; expected numbers from scipy.stats.chisquare(observed, total·split).</summary>
public class SrmEdgeTests
{
    [Fact]
    public void Srm_handles_three_arms()
    {
        // chisquare([3300, 3350, 3250], [3300, 3300, 3300]) == (1.5151515151515151, 0.46880153914023537)
        var result = ExperimentStatistics.SampleRatioMismatch([3300, 3350, 3250], [1.0 / 3, 1.0 / 3, 1.0 / 3]);

        AssertClose(1.5151515151515151, result.Statistic);
        AssertClose(0.46880153914023537, result.PValue);
        Assert.False(result.Mismatch);
    }

    [Fact]
    public void Srm_handles_three_arms_with_an_uneven_split()
    {
        // chisquare([2000, 3050, 4950], [2000, 3000, 5000]) == (1.3333333333333335, 0.5134171190325921)
        var result = ExperimentStatistics.SampleRatioMismatch([2000, 3050, 4950], [0.2, 0.3, 0.5]);

        AssertClose(1.3333333333333335, result.Statistic);
        AssertClose(0.5134171190325921, result.PValue);
    }

    [Fact]
    public void Srm_normalises_a_split_that_does_not_sum_to_one()
    {
        // Same as pub-srm-1: chisquare([5000, 5400], [5200, 5200]) == (15.384615384615385, 8.769942375590228e-05)
        var result = ExperimentStatistics.SampleRatioMismatch([5000, 5400], [1, 1]);

        AssertClose(15.384615384615385, result.Statistic);
        AssertClose(8.769942375590228e-05, result.PValue);
        Assert.True(result.Mismatch);

        var percentages = ExperimentStatistics.SampleRatioMismatch([2000, 3050, 4950], [20, 30, 50]);
        AssertClose(1.3333333333333335, percentages.Statistic);
    }

    [Fact]
    public void Srm_p_value_is_accurate_when_tiny()
    {
        // chisquare([4000, 6000], [5000, 5000]) == (400.0, 5.507248237212379e-89)
        var result = ExperimentStatistics.SampleRatioMismatch([4000, 6000], [0.5, 0.5]);

        AssertClose(400.0, result.Statistic);
        Tails.AssertRelative(5.507248237212379e-89, result.PValue);
        Assert.True(result.Mismatch);
    }

    [Fact]
    public void Srm_rejects_a_split_of_another_length()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.SampleRatioMismatch([10, 20, 30], [0.5, 0.5]));
        Assert.Equal("split", error.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Srm_rejects_a_split_share_that_is_not_positive(double share)
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.SampleRatioMismatch([10, 20], [0.5, share]));
        Assert.Equal("split", error.Field);
    }

    [Fact]
    public void Srm_rejects_negative_counts()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.SampleRatioMismatch([10, -1], [0.5, 0.5]));
        Assert.Equal("observed", error.Field);
    }

    [Fact]
    public void Srm_rejects_no_observations()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.SampleRatioMismatch([0, 0], [0.5, 0.5]));
        Assert.Equal("observed", error.Field);
    }

    [Fact]
    public void Srm_rejects_a_single_arm()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.SampleRatioMismatch([10], [1.0]));
        Assert.Equal("observed", error.Field);
    }

    [Fact]
    public void Srm_reports_an_overflowing_statistic_as_an_input_error()
    {
        // An expected count of ~1e-318 makes (o − e)²/e infinite.
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.SampleRatioMismatch([10, 10], [1, 1e-320]));
        Assert.Equal("split", error.Field);
    }

    private static void AssertClose(double expected, double actual) =>
        Reference.ReferenceCases.AssertClose(expected, actual, "srm");
}
