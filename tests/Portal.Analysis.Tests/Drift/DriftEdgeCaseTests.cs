using Portal.Analysis.Common;
using Portal.Analysis.Drift;
using Portal.Analysis.Tests.Reference;

namespace Portal.Analysis.Tests.Drift;

/// <summary>Inputs at the edges: each gives a defined result or an AnalysisInputException, never NaN.</summary>
public class DriftEdgeCaseTests
{
    private static readonly double[] Spread = [0.1, 0.4, 0.35, 0.8, 1.2, 0.9, 0.05, 0.66, 0.71, 1.5];

    [Fact]
    public void Empty_current_gives_no_verdict()
    {
        var result = AnalyzeNumbers(Spread, [], DriftTestIds.Ks, DriftTestIds.Psi);

        Assert.Equal("ks", result.Test);
        Assert.Null(result.Score);
        Assert.False(result.Drifted);
        Assert.Equal(0.05, result.Threshold);
        Assert.Empty(result.Results);
        Assert.Equal("not enough data: current has no values", result.Message);
        Assert.Equal(new SampleCounts(10, 0), result.Reference);
        Assert.Equal(new SampleCounts(0, 0), result.Current);
    }

    [Fact]
    public void Empty_reference_gives_no_verdict_with_the_automatic_test()
    {
        var result = AnalyzeNumbers([], Spread);

        Assert.Null(result.Score);
        Assert.False(result.Drifted);
        Assert.Equal("not enough data: reference has no values", result.Message);
    }

    [Fact]
    public void All_missing_column_counts_every_value_as_missing_and_gives_no_verdict()
    {
        var result = AnalyzeNumbers([double.NaN, double.NaN, double.NaN], [double.NaN, double.NaN], DriftTestIds.Wasserstein);

        Assert.Equal(new SampleCounts(0, 3), result.Reference);
        Assert.Equal(new SampleCounts(0, 2), result.Current);
        Assert.Null(result.Score);
        Assert.False(result.Drifted);
        Assert.Equal("not enough data: reference and current have no values", result.Message);
    }

    [Fact]
    public void Infinity_is_counted_as_missing()
    {
        var result = AnalyzeNumbers([1, 2, double.PositiveInfinity, 3], [double.NegativeInfinity, 2, 3], DriftTestIds.Ks);

        Assert.Equal(new SampleCounts(3, 1), result.Reference);
        Assert.Equal(new SampleCounts(2, 1), result.Current);
        Assert.NotNull(result.Score);
    }

    [Fact]
    public void Missing_categories_are_counted()
    {
        var column = new DriftColumn("country", ColumnType.Categorical, ColumnSample.FromCategories(["DE", null, "FR"]), ColumnSample.FromCategories([null, null, "DE"]), [DriftTestIds.ChiSquare]);

        var result = Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults);

        Assert.Equal(new SampleCounts(2, 1), result.Reference);
        Assert.Equal(new SampleCounts(1, 2), result.Current);
    }

    [Fact]
    public void Equal_constant_columns_show_no_drift_in_any_test()
    {
        var result = AnalyzeNumbers([3, 3, 3, 3, 3], [3, 3, 3, 3], [.. DriftTestIds.All]);

        AssertAllFinite(result);
        Assert.False(result.Drifted);
        var r = result.Results;
        Assert.Equal(0.0, r["ks"]["statistic"]);
        Assert.Equal(1.0, r["ks"]["pValue"]);
        Assert.Equal(1.0, r["ks"]["pValueAsymptotic"]);
        Assert.Equal(1.0, r["chisquare"]["pValue"]);
        Assert.Equal(1.0, r["chi2_contingency"]["pValue"]);
        Assert.Equal(1.0, r["z"]["pValue"]);
        Assert.Equal(1.0, r["t_test"]["pValue"]); // SciPy: 0/0 = NaN; no spread and equal means is no evidence
        Assert.Equal(1.0, r["mannw"]["pValue"]);
        ReferenceCases.AssertClose(0.03703703703703698, r["cramer_von_mises"]["statistic"], "cvm statistic"); // SciPy
        ReferenceCases.AssertClose(0.9999999799735934, r["cramer_von_mises"]["pValue"], "cvm p"); // SciPy
        foreach (var distance in new[] { "psi", "kl_div", "jensenshannon", "hellinger", "ed", "tvd" })
        {
            Assert.Equal(0.0, r[distance]["value"], 12);
        }

        Assert.Equal(0.0, r["wasserstein"]["normed"]);
        Assert.Null(result.Message);
    }

    [Fact]
    public void Different_constant_columns_drift_in_every_test()
    {
        var result = AnalyzeNumbers([1, 1, 1, 1, 1], [2, 2, 2, 2], [.. DriftTestIds.All]);

        AssertAllFinite(result);
        var r = result.Results;
        // SciPy: ks_2samp → (1.0, 0.015873015873015872), asymp 0.0; cramervonmises_2samp(asymptotic) →
        // (1.1481481481481481, 0.0008190898150800541); mannwhitneyu → 0.007209570764742526; ttest_ind → 0.0;
        // energy_distance → √2; wasserstein_distance → 1.
        Assert.Equal(1.0, r["ks"]["statistic"]);
        ReferenceCases.AssertClose(0.015873015873015872, r["ks"]["pValue"], "ks p");
        Assert.Equal(0.0, r["ks"]["pValueAsymptotic"]);
        ReferenceCases.AssertClose(1.1481481481481481, r["cramer_von_mises"]["statistic"], "cvm statistic");
        ReferenceCases.AssertClose(0.0008190898150800541, r["cramer_von_mises"]["pValue"], "cvm p");
        ReferenceCases.AssertClose(0.007209570764742526, r["mannw"]["pValue"], "mannw p");
        Assert.Equal(0.0, r["t_test"]["pValue"]);
        ReferenceCases.AssertClose(Math.Sqrt(2), r["ed"]["value"], "ed");
        Assert.Equal(1.0, r["wasserstein"]["distance"]);
        Assert.Equal(1000.0, r["wasserstein"]["normed"]); // std 0 is replaced by 0.001
        Assert.Equal(1.0, r["tvd"]["value"]);
        Assert.Equal(1.0, r["hellinger"]["value"]);

        // The value 2 never occurs in the reference: χ² is infinite, so the statistic is left out and p = 0.
        Assert.Equal(0.0, r["chisquare"]["pValue"]);
        Assert.False(r["chisquare"].ContainsKey("statistic"));
        Assert.Contains("chisquare", result.Message);
        Assert.True(result.Drifted);
    }

    [Fact]
    public void Single_value_samples_give_defined_results_and_say_what_is_missing()
    {
        var result = AnalyzeNumbers([1.5], [2.5], [.. DriftTestIds.All]);

        AssertAllFinite(result);
        Assert.Equal(1.0, result.Results["ks"]["pValue"]);
        Assert.False(result.Results.ContainsKey("t_test"));
        Assert.False(result.Results.ContainsKey("cramer_von_mises"));
        Assert.Contains("t_test: not enough data", result.Message);
        Assert.Contains("cramer_von_mises: not enough data", result.Message);
        Assert.False(result.Drifted); // ks decides: p = 1
    }

    [Fact]
    public void Undefined_verdict_test_gives_no_score()
    {
        var result = AnalyzeNumbers([1.5], [2.5, 3.5], DriftTestIds.CramerVonMises, DriftTestIds.Ks);

        Assert.Equal("cramer_von_mises", result.Test);
        Assert.Null(result.Score);
        Assert.False(result.Drifted);
        Assert.True(result.Results.ContainsKey("ks"));
    }

    [Fact]
    public void Category_absent_from_the_reference_gives_chisquare_p_zero_without_statistic()
    {
        var column = new DriftColumn(
            "country",
            ColumnType.Categorical,
            ColumnSample.FromCategories(["DE", "FR", "DE", "FR", "DE"]),
            ColumnSample.FromCategories(["DE", "FR", "IT", "DE"]),
            [DriftTestIds.ChiSquare, DriftTestIds.Psi, DriftTestIds.KlDiv, DriftTestIds.JensenShannon, DriftTestIds.Hellinger, DriftTestIds.Tvd, DriftTestIds.Z]);

        var result = Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults);

        AssertAllFinite(result);
        Assert.Equal(0.0, result.Score);
        Assert.True(result.Drifted);
        Assert.Equal(["pValue"], result.Results["chisquare"].Keys);
        Assert.True(result.Results["psi"]["value"] > 0);
    }

    [Fact]
    public void Z_test_takes_the_last_category_in_ordinal_order_as_positive()
    {
        // "yes" is positive; its share rises from 0.2 to 0.6, so the statistic (reference − current) is negative.
        var column = new DriftColumn(
            "answer",
            ColumnType.Categorical,
            ColumnSample.FromCategories([.. Enumerable.Repeat("no", 80), .. Enumerable.Repeat("yes", 20)]),
            ColumnSample.FromCategories([.. Enumerable.Repeat("no", 40), .. Enumerable.Repeat("yes", 60)]),
            [DriftTestIds.Z]);

        var z = Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults).Results["z"];

        // p1 = 0.2, p2 = 0.6, pooled 0.4: z = −0.4 / √(0.24 · 0.02)
        ReferenceCases.AssertClose(-0.4 / Math.Sqrt(0.24 * 0.02), z["statistic"], "z");
        ReferenceCases.AssertClose(2 * 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(0.4 / Math.Sqrt(0.24 * 0.02) / Math.Sqrt(2)), z["pValue"], "p");
    }

    [Fact]
    public void Z_test_on_numbers_takes_the_largest_number_as_positive()
    {
        // Ordinal string order would put "10" before "2"; numbers are ordered numerically.
        var result = AnalyzeNumbers([2, 2, 2, 10], [2, 10, 10, 10], DriftTestIds.Z);

        Assert.True(result.Results["z"]["statistic"] < 0);
    }

    [Fact]
    public void Unknown_test_id_is_an_input_error_naming_the_column()
    {
        var column = new DriftColumn("age", ColumnType.Numerical, ColumnSample.FromNumbers(Spread), ColumnSample.FromNumbers(Spread), ["ks", "kolmogorov"]);

        var error = Assert.Throws<AnalysisInputException>(() => DriftAnalyzer.Analyze([column]));

        Assert.Equal("tests.age", error.Field);
    }

    [Theory]
    [InlineData("ks")]
    [InlineData("wasserstein")]
    [InlineData("t_test")]
    [InlineData("mannw")]
    [InlineData("ed")]
    [InlineData("cramer_von_mises")]
    public void Numeric_test_on_a_categorical_column_is_an_input_error(string test)
    {
        var column = new DriftColumn("country", ColumnType.Categorical, ColumnSample.FromCategories(["DE"]), ColumnSample.FromCategories(["FR"]), [test]);

        var error = Assert.Throws<AnalysisInputException>(() => DriftAnalyzer.Analyze([column]));

        Assert.Equal("tests.country", error.Field);
    }

    [Fact]
    public void Threshold_for_an_unknown_test_is_an_input_error()
    {
        var options = new DriftOptions { Thresholds = new Dictionary<string, double> { ["kss"] = 0.01 } };

        var error = Assert.Throws<AnalysisInputException>(() => DriftAnalyzer.Analyze([], options));

        Assert.Equal("thresholds.kss", error.Field);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    public void Bad_threshold_is_an_input_error(double threshold)
    {
        var options = new DriftOptions { Thresholds = new Dictionary<string, double> { ["psi"] = threshold } };

        Assert.Equal("thresholds.psi", Assert.Throws<AnalysisInputException>(() => DriftAnalyzer.Analyze([], options)).Field);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(1.5)]
    public void Bad_drift_share_is_an_input_error(double share)
    {
        Assert.Equal("driftShare", Assert.Throws<AnalysisInputException>(() => DriftAnalyzer.Analyze([], new DriftOptions { DriftShare = share })).Field);
    }

    [Fact]
    public void Sample_of_the_wrong_type_is_an_input_error()
    {
        var column = new DriftColumn("age", ColumnType.Numerical, ColumnSample.FromCategories(["1"]), ColumnSample.FromNumbers(Spread));

        Assert.Equal("reference.age", Assert.Throws<AnalysisInputException>(() => DriftAnalyzer.Analyze([column])).Field);
    }

    [Fact]
    public void Duplicate_column_is_an_input_error()
    {
        var column = new DriftColumn("age", ColumnType.Numerical, ColumnSample.FromNumbers(Spread), ColumnSample.FromNumbers(Spread));

        Assert.Equal("columns.age", Assert.Throws<AnalysisInputException>(() => DriftAnalyzer.Analyze([column, column])).Field);
    }

    [Fact]
    public void Threshold_override_changes_the_verdict()
    {
        var reference = Enumerable.Range(0, 100).Select(i => i / 100.0).ToArray();
        var current = Enumerable.Range(0, 100).Select(i => i / 100.0 + 0.2).ToArray();
        var column = new DriftColumn("x", ColumnType.Numerical, ColumnSample.FromNumbers(reference), ColumnSample.FromNumbers(current), [DriftTestIds.Ks]);

        var byDefault = Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults);
        var strict = Assert.Single(DriftAnalyzer.Analyze([column], new DriftOptions { Thresholds = new Dictionary<string, double> { ["ks"] = 1e-9 } }).ColumnResults);

        Assert.True(byDefault.Drifted);
        Assert.Equal(1e-9, strict.Threshold);
        Assert.Equal(byDefault.Score, strict.Score);
        Assert.False(strict.Drifted);
    }

    [Theory]
    [InlineData("ks", 0.05, 0.05, true)] // ks: p ≤ threshold
    [InlineData("t_test", 0.05, 0.05, false)] // other p-values: p < threshold
    [InlineData("chisquare", 0.049, 0.05, true)]
    [InlineData("psi", 0.1, 0.1, true)] // distances: value ≥ threshold
    [InlineData("wasserstein", 0.099, 0.1, false)]
    public void Drift_rule_depends_on_the_kind_of_score(string test, double score, double threshold, bool drift)
    {
        Assert.Equal(drift, DriftTestIds.IsDrift(test, score, threshold));
    }

    [Fact]
    public void Default_thresholds_and_score_fields_follow_the_documentation()
    {
        Assert.All(["ks", "chisquare", "chi2_contingency", "z", "t_test", "mannw", "cramer_von_mises"], t => Assert.Equal((0.05, "pValue"), (DriftTestIds.DefaultThreshold(t), DriftTestIds.ScoreField(t))));
        Assert.All(["psi", "kl_div", "jensenshannon", "hellinger", "ed", "tvd"], t => Assert.Equal((0.1, "value"), (DriftTestIds.DefaultThreshold(t), DriftTestIds.ScoreField(t))));
        Assert.Equal((0.1, "normed"), (DriftTestIds.DefaultThreshold("wasserstein"), DriftTestIds.ScoreField("wasserstein")));
    }

    [Theory]
    [InlineData(0.5, true)]
    [InlineData(0.51, false)]
    public void Dataset_drifts_when_the_share_of_drifted_columns_reaches_drift_share(double driftShare, bool expected)
    {
        var drifting = new DriftColumn("a", ColumnType.Numerical, ColumnSample.FromNumbers([1, 1, 1, 1]), ColumnSample.FromNumbers([5, 5, 5, 5]), [DriftTestIds.Psi]);
        var stable = new DriftColumn("b", ColumnType.Numerical, ColumnSample.FromNumbers([1, 2, 3, 4]), ColumnSample.FromNumbers([1, 2, 3, 4]), [DriftTestIds.Psi]);

        var report = DriftAnalyzer.Analyze([drifting, stable], new DriftOptions { DriftShare = driftShare });

        Assert.Equal(2, report.Columns);
        Assert.Equal(1, report.DriftedColumns);
        Assert.Equal(driftShare, report.DriftShare);
        Assert.Equal(expected, report.DatasetDrift);
        Assert.Equal(["a", "b"], report.ColumnResults.Select(c => c.Column));
    }

    [Fact]
    public void No_columns_is_no_dataset_drift()
    {
        var report = DriftAnalyzer.Analyze([]);

        Assert.False(report.DatasetDrift);
        Assert.Equal(0, report.Columns);
        Assert.Empty(report.ColumnResults);
    }

    [Fact]
    public void First_listed_test_decides_and_repeated_ids_run_once()
    {
        var result = AnalyzeNumbers(Spread, [.. Spread.Select(v => v + 5)], DriftTestIds.Psi, DriftTestIds.Ks, DriftTestIds.Psi);

        Assert.Equal("psi", result.Test);
        Assert.Equal(0.1, result.Threshold);
        Assert.Equal(result.Results["psi"]["value"], result.Score);
        Assert.Equal(["psi", "ks"], result.Results.Keys);
    }

    [Theory]
    [InlineData(1000, 6, "ks")]
    [InlineData(1001, 6, "wasserstein")]
    [InlineData(1000, 5, "chi2_contingency")]
    [InlineData(1000, 3, "chi2_contingency")]
    [InlineData(1000, 2, "z")]
    [InlineData(1001, 5, "jensenshannon")]
    public void Automatic_choice_for_numbers_depends_on_reference_size_and_distinct_values(int referenceSize, int distinct, string expected)
    {
        // Reference uses values 0 … distinct−2, current adds the last one, so k counts both.
        var reference = Enumerable.Range(0, referenceSize).Select(i => (double)(i % (distinct - 1))).ToArray();
        var current = new double[] { 0, distinct - 1 };

        Assert.Equal(expected, AnalyzeNumbers(reference, current).Test);
    }

    [Theory]
    [InlineData(1000, 3, "chi2_contingency")]
    [InlineData(1000, 2, "z")]
    [InlineData(1001, 2, "jensenshannon")]
    [InlineData(1001, 9, "jensenshannon")]
    public void Automatic_choice_for_categories_depends_on_reference_size_and_distinct_values(int referenceSize, int distinct, string expected)
    {
        var reference = Enumerable.Range(0, referenceSize).Select(i => $"c{i % distinct}").ToArray();
        var column = new DriftColumn("c", ColumnType.Categorical, ColumnSample.FromCategories(reference), ColumnSample.FromCategories(["c0"]));

        Assert.Equal(expected, Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults).Test);
    }

    [Fact]
    public void Missing_values_do_not_count_towards_the_automatic_reference_size()
    {
        var reference = Enumerable.Range(0, 1500).Select(i => i < 600 ? double.NaN : i).ToArray();

        Assert.Equal("ks", AnalyzeNumbers(reference, Spread).Test);
    }

    [Fact]
    public void Results_never_contain_non_finite_values()
    {
        double[][] samples =
        [
            [1.0], [1.0, 1.0], [0.0, 1e-300], [-1e300, 1e300], [5, 5, 5, 6], Spread, [double.NaN, 2.0],
            [.. Enumerable.Range(0, 50).Select(i => i * 0.5)], [-0.0, 0.0, 0.0],
        ];
        foreach (var reference in samples)
        {
            foreach (var current in samples)
            {
                var result = AnalyzeNumbers(reference, current, [.. DriftTestIds.All]);
                AssertAllFinite(result);
                Assert.True(result.Score is null || double.IsFinite(result.Score.Value));
            }
        }
    }

    private static DriftColumnResult AnalyzeNumbers(double[] reference, double[] current, params string[] tests) =>
        Assert.Single(DriftAnalyzer.Analyze(
            [new DriftColumn("x", ColumnType.Numerical, ColumnSample.FromNumbers(reference), ColumnSample.FromNumbers(current), tests.Length == 0 ? null : tests)]).ColumnResults);

    private static void AssertAllFinite(DriftColumnResult result)
    {
        foreach (var (test, fields) in result.Results)
        {
            foreach (var (field, value) in fields)
            {
                Assert.True(double.IsFinite(value), $"{test}.{field} = {value}");
            }
        }
    }
}
