using Portal.Analysis.Drift;
using Portal.Analysis.Tests.Reference;

namespace Portal.Analysis.Tests.Drift;

/// <summary>
/// mannw follows SciPy 1.10.1 <c>mannwhitneyu(x, y)</c> (method "auto"): exact when either sample has ≤ 8 values and
/// no value repeats, else asymptotic with tie and continuity correction. Inputs are formulas that C# and Python
/// evaluate to the same doubles; the expected p-values are SciPy's (the asymptotic one in comments shows the switch).
/// </summary>
public class MannWhitneyExactTests
{
    [Fact]
    public void Exact_when_the_smaller_sample_has_eight_values_and_no_ties()
    {
        // mannwhitneyu: 0.0015631427396133276 (method="asymptotic" would give 0.003336940507398089)
        AssertClose(0.0015631427396133276, PValue(Formula(8, 7, 97), Formula(9, 11, 89, 0.3)));
    }

    [Fact]
    public void Exact_for_a_small_sample_against_a_large_one()
    {
        // mannwhitneyu: 0.23700541378119447 (asymptotic 0.2290617587228796)
        AssertClose(0.23700541378119447, PValue(Formula(5, 7, 97, 0.2), Formula(3000, 7919, 10007)));
    }

    [Fact]
    public void Exact_for_completely_separated_samples()
    {
        // mannwhitneyu(range(8), range(100, 108)) == 0.0001554001554001554 = 2 / C(16, 8) (asymptotic 0.0009391056991171899)
        AssertClose(2.0 / 12870, PValue([0, 1, 2, 3, 4, 5, 6, 7], [100, 101, 102, 103, 104, 105, 106, 107]));
        AssertClose(2.0 / 35, PValue([0.1, 0.2, 0.25], [0.5, 0.6, 0.7, 0.8]));
    }

    [Fact]
    public void Exact_with_one_value_each_is_p_one()
    {
        Assert.Equal(1.0, PValue([1.5], [2.5]));
    }

    [Fact]
    public void Asymptotic_when_both_samples_have_more_than_eight_values()
    {
        // mannwhitneyu: 0.004718198728115028, the same as method="asymptotic"
        AssertClose(0.004718198728115028, PValue(Formula(9, 7, 97), Formula(9, 11, 89, 0.3)));
    }

    [Fact]
    public void Asymptotic_with_tie_correction_when_small_samples_have_ties()
    {
        // mannwhitneyu([1, 2, 2, 3], [2, 4, 5]) == 0.19908985214820463 (ties: asymptotic)
        AssertClose(0.19908985214820463, PValue([1, 2, 2, 3], [2, 4, 5]));
    }

    [Fact]
    public void Different_constants_are_tied_so_asymptotic()
    {
        // mannwhitneyu([1] * 5, [2] * 4) == 0.007209570764742526
        AssertClose(0.007209570764742526, PValue([1, 1, 1, 1, 1], [2, 2, 2, 2]));
    }

    [Fact]
    public void Equal_constants_give_p_one()
    {
        Assert.Equal(1.0, PValue([3, 3, 3], [3, 3]));
    }

    [Fact]
    public void Missing_values_are_dropped_before_choosing_the_method()
    {
        Assert.Equal(PValue([0.1, 0.2, 0.25], [0.5, 0.6, 0.7, 0.8]), PValue([0.1, double.NaN, 0.2, 0.25], [0.5, 0.6, double.NaN, 0.7, 0.8]));
    }

    private static double[] Formula(int n, int multiplier, int modulus, double offset = 0.0) =>
        [.. Enumerable.Range(0, n).Select(i => (double)(i * multiplier % modulus) / modulus + offset)];

    private static double PValue(double[] reference, double[] current)
    {
        var column = new DriftColumn("x", ColumnType.Numerical, ColumnSample.FromNumbers(reference), ColumnSample.FromNumbers(current), [DriftTestIds.MannWhitney]);
        return Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults).Results["mannw"]["pValue"];
    }

    private static void AssertClose(double expected, double actual) => ReferenceCases.AssertClose(expected, actual, "mannw pValue");
}
