using Portal.Analysis.Common;
using Portal.Analysis.Drift;
using Portal.Analysis.Experiments;

namespace Portal.Analysis.Tests.Advanced;

public class MultipleTestingTests
{
    private static readonly double[] P1 = [0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.9];
    private static readonly double[] P2 = [0.001, 0.5, 0.0125, 0.02, 0.7, 0.03, 0.03, 0.6, 0.049, 0.0001];

    [Fact]
    public void Holm_equals_statsmodels_multipletests_holm()
    {
        // statsmodels 0.13.5: multipletests(P1, method='holm')[1]
        Close.All([0.06, 0.16, 0.15, 0.035, 0.4, 0.16, 0.9], HolmBonferroni.Adjust(P1));
        // multipletests(P2, method='holm')[1] (ties at 0.03, values capped at 1)
        Close.All([0.009000000000000001, 1.0, 0.1, 0.14, 1.0, 0.18, 0.18, 1.0, 0.196, 0.001], HolmBonferroni.Adjust(P2));
    }

    [Fact]
    public void Benjamini_Hochberg_equals_statsmodels_multipletests_fdr_bh()
    {
        // statsmodels 0.13.5: multipletests(P1, method='fdr_bh')[1]
        Close.All([0.035, 0.056, 0.056, 0.035, 0.23333333333333336, 0.056, 0.9], MultipleTesting.BenjaminiHochberg(P1));
        // multipletests(P2, method='fdr_bh')[1]
        Close.All([0.005, 0.625, 0.04166666666666667, 0.049999999999999996, 0.7, 0.05, 0.05, 0.6666666666666666, 0.07, 0.001], MultipleTesting.BenjaminiHochberg(P2));
    }

    [Fact]
    public void Corrections_of_no_p_values_are_empty_and_of_one_are_the_p_value()
    {
        Assert.Empty(HolmBonferroni.Adjust([]));
        Assert.Empty(MultipleTesting.BenjaminiHochberg([]));
        Assert.Equal(0.03, HolmBonferroni.Adjust([0.03])[0]);
        Assert.Equal(0.03, MultipleTesting.BenjaminiHochberg([0.03])[0]);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public void Corrections_reject_values_that_are_not_p_values(double bad)
    {
        Assert.Equal("pValues", Assert.Throws<AnalysisInputException>(() => HolmBonferroni.Adjust([0.1, bad])).Field);
        Assert.Equal("pValues", Assert.Throws<AnalysisInputException>(() => MultipleTesting.BenjaminiHochberg([bad])).Field);
    }
}
