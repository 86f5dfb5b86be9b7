using Portal.Analysis.Common;
using Portal.Analysis.Experiments;

namespace Portal.Analysis.Tests.Experiments;

/// <summary>Edge cases of the sample-size formula and the O'Brien–Fleming spending function (SciPy 1.10.1 norm).</summary>
public class PlanningEdgeTests
{
    [Fact]
    public void SampleSize_handles_a_negative_mde()
    {
        // p1 0.2, p2 0.18: 2·p̄(1−p̄)(norm.ppf(0.975) + norm.ppf(0.8))² / (p1 − p2)² == 6039.712955581631 → 6040
        Assert.Equal(6040, ExperimentStatistics.SampleSizePerVariant(0.2, -0.1));
    }

    [Fact]
    public void SampleSize_defaults_to_power_0_8_and_alpha_0_05()
    {
        // pub-size-0: 14751.969460709086 → 14752
        Assert.Equal(14752, ExperimentStatistics.SampleSizePerVariant(0.1, 0.1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void SampleSize_rejects_a_baseline_rate_outside_0_to_1(double baselineRate)
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.SampleSizePerVariant(baselineRate, 0.1));
        Assert.Equal("baselineRate", error.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1.2)]
    public void SampleSize_rejects_power_outside_0_to_1(double power)
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.SampleSizePerVariant(0.1, 0.1, power));
        Assert.Equal("power", error.Field);
    }

    [Fact]
    public void SampleSize_rejects_alpha_outside_0_to_1()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.SampleSizePerVariant(0.1, 0.1, 0.8, 0));
        Assert.Equal("alpha", error.Field);
    }

    [Theory]
    [InlineData(0.1, 0)]        // no effect to detect: division by zero
    [InlineData(0.6, 1.0)]      // p2 = 1.2
    [InlineData(0.1, -1.0)]     // p2 = 0
    [InlineData(0.1, double.NaN)]
    public void SampleSize_rejects_an_mde_without_a_valid_second_rate(double baselineRate, double relativeMde)
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.SampleSizePerVariant(baselineRate, relativeMde));
        Assert.Equal("relativeMde", error.Field);
    }

    [Fact]
    public void ObrienFleming_spends_the_whole_alpha_at_the_end()
    {
        // 2 − 2·norm.cdf(norm.ppf(1 − 0.01/2)) == 0.010000000000000009
        Reference.ReferenceCases.AssertClose(0.010000000000000009, ExperimentStatistics.ObrienFlemingAlphaSpent(1.0, 0.01), "alphaSpent");
    }

    [Fact]
    public void ObrienFleming_early_spend_is_accurate_in_the_tail()
    {
        // 2·norm.sf(norm.ppf(0.975) / √0.01) == 1.557221083955436e-85 (2 − 2·norm.cdf gives 0.0)
        Tails.AssertRelative(1.557221083955436e-85, ExperimentStatistics.ObrienFlemingAlphaSpent(0.01));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void ObrienFleming_rejects_t_outside_0_to_1(double informationFraction)
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.ObrienFlemingAlphaSpent(informationFraction));
        Assert.Equal("informationFraction", error.Field);
    }

    [Fact]
    public void ObrienFleming_rejects_alpha_outside_0_to_1()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ExperimentStatistics.ObrienFlemingAlphaSpent(0.5, 1.5));
        Assert.Equal("alpha", error.Field);
    }
}
