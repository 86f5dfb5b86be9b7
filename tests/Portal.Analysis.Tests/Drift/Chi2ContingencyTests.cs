using Portal.Analysis.Drift;
using Portal.Analysis.Tests.Reference;

namespace Portal.Analysis.Tests.Drift;

/// <summary>
/// chi2_contingency against SciPy 1.10.1 <c>chi2_contingency([ref_counts, cur_counts], correction=False)</c>
/// (values in the comments), at the edges: one category, missing values, a category new in current, constants.
/// </summary>
public class Chi2ContingencyTests
{
    [Fact]
    public void Chi2_contingency_matches_scipy_on_four_categories()
    {
        // chi2_contingency([[120, 45, 30, 5], [100, 60, 20, 20]], correction=False) == (14.96103896103896, 0.0018502483632162595)
        var result = Analyze(Categories(("a", 120), ("b", 45), ("c", 30), ("d", 5)), Categories(("a", 100), ("b", 60), ("c", 20), ("d", 20)));

        ReferenceCases.AssertClose(14.96103896103896, result["statistic"], "statistic");
        ReferenceCases.AssertClose(0.0018502483632162595, result["pValue"], "pValue");
    }

    [Fact]
    public void Category_new_in_current_gives_a_finite_statistic()
    {
        // chisquare is infinite here; chi2_contingency([[3, 2, 0], [2, 1, 1]], correction=False) == (1.44, 0.4867522559599715)
        var result = Analyze(["DE", "FR", "DE", "FR", "DE"], ["DE", "FR", "IT", "DE"]);

        ReferenceCases.AssertClose(1.44, result["statistic"], "statistic");
        ReferenceCases.AssertClose(0.4867522559599715, result["pValue"], "pValue");
    }

    [Fact]
    public void Missing_values_are_dropped_before_the_test()
    {
        var withMissing = Analyze(["DE", null, "FR", "DE", null, "FR", "DE"], [null, "DE", "FR", "IT", "DE"]);

        Assert.Equal(Analyze(["DE", "FR", "DE", "FR", "DE"], ["DE", "FR", "IT", "DE"]), withMissing);
    }

    [Fact]
    public void One_category_in_both_is_no_evidence_of_drift()
    {
        // SciPy: 0 degrees of freedom → (0.0, 1.0)
        var result = Analyze(["DE", "DE", "DE"], ["DE", "DE"]);

        Assert.Equal(0.0, result["statistic"]);
        Assert.Equal(1.0, result["pValue"]);
    }

    [Fact]
    public void Different_constants_drift()
    {
        // chi2_contingency([[5, 0], [0, 4]], correction=False) == (9.0, 0.0026997960632601883)
        var column = new DriftColumn("x", ColumnType.Numerical, ColumnSample.FromNumbers([1, 1, 1, 1, 1]), ColumnSample.FromNumbers([2, 2, 2, 2]), [DriftTestIds.Chi2Contingency]);

        var result = Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults);

        ReferenceCases.AssertClose(9.0, result.Results["chi2_contingency"]["statistic"], "statistic");
        ReferenceCases.AssertClose(0.0026997960632601883, result.Results["chi2_contingency"]["pValue"], "pValue");
        Assert.True(result.Drifted);
        Assert.Null(result.Message);
    }

    [Fact]
    public void Empty_current_gives_no_verdict()
    {
        var column = new DriftColumn("c", ColumnType.Categorical, ColumnSample.FromCategories(["a", "b"]), ColumnSample.FromCategories([null, null]), [DriftTestIds.Chi2Contingency]);

        var result = Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults);

        Assert.Null(result.Score);
        Assert.False(result.Drifted);
        Assert.Equal("not enough data: current has no values", result.Message);
    }

    [Fact]
    public void Two_categories_give_the_square_of_the_z_statistic_and_the_same_p_value()
    {
        var reference = Categories(("no", 70), ("yes", 30));
        var current = Categories(("no", 50), ("yes", 50));
        var column = new DriftColumn("c", ColumnType.Categorical, ColumnSample.FromCategories(reference), ColumnSample.FromCategories(current), [DriftTestIds.Chi2Contingency, DriftTestIds.Z]);

        var results = Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults).Results;

        var z = results["z"]["statistic"];
        ReferenceCases.AssertClose(z * z, results["chi2_contingency"]["statistic"], "statistic");
        ReferenceCases.AssertClose(results["z"]["pValue"], results["chi2_contingency"]["pValue"], "pValue");
    }

    [Fact]
    public void Chi2_contingency_is_a_p_value_test_that_applies_to_categories()
    {
        Assert.Contains("chi2_contingency", DriftTestIds.All);
        Assert.True(DriftTestIds.IsPValueTest("chi2_contingency"));
        Assert.True(DriftTestIds.Supports("chi2_contingency", ColumnType.Categorical));
        Assert.Equal("pValue", DriftTestIds.ScoreField("chi2_contingency"));
        Assert.True(DriftTestIds.IsDrift("chi2_contingency", 0.049, 0.05));
        Assert.False(DriftTestIds.IsDrift("chi2_contingency", 0.05, 0.05));
    }

    private static IReadOnlyDictionary<string, double> Analyze(string?[] reference, string?[] current)
    {
        var column = new DriftColumn("c", ColumnType.Categorical, ColumnSample.FromCategories(reference), ColumnSample.FromCategories(current), [DriftTestIds.Chi2Contingency]);
        return Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults).Results["chi2_contingency"];
    }

    private static string?[] Categories(params (string Value, int Count)[] counts) =>
        [.. counts.SelectMany(c => Enumerable.Repeat(c.Value, c.Count))];
}
