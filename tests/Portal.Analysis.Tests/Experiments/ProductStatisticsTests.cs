using Portal.Analysis.Common;
using Portal.Analysis.Experiments;
using Portal.Analysis.Tests.Advanced;

namespace Portal.Analysis.Tests.Experiments;

/// <summary>The pieces the experiment product adds: continuous sample sizes, percentile differences, shadow comparison.</summary>
public class ProductStatisticsTests
{
    [Fact]
    public void Continuous_sample_size_is_two_sigma_squared_z_sum_squared_over_delta_squared()
    {
        // Python: ceil(2·σ²·(Φ⁻¹(0.975) + Φ⁻¹(0.8))² / (μ·mde)²)
        Assert.Equal(63, SampleSizes.ContinuousPerVariant(100, 10, 0.05));
        Assert.Equal(36, SampleSizes.ContinuousPerVariant(-20, 3, 0.1));
        Assert.Equal("baselineStdDev", Assert.Throws<AnalysisInputException>(() => SampleSizes.ContinuousPerVariant(100, 0, 0.05)).Field);
        Assert.Equal("baselineMean", Assert.Throws<AnalysisInputException>(() => SampleSizes.ContinuousPerVariant(0, 1, 0.05)).Field);
        Assert.Equal("relativeMde", Assert.Throws<AnalysisInputException>(() => SampleSizes.ContinuousPerVariant(100, 1, 0)).Field);
    }

    [Fact]
    public void Percentile_difference_matches_the_order_statistic_reference_computed_in_python()
    {
        var control = Enumerable.Range(0, 200).Select(i => (double)(i * 37 % 200)).ToArray();
        var treatment = control.Select(v => v + 10).ToArray();
        var r = QuantileComparison.Compare(control, treatment, 90);
        Close.Equal(179.1, r.Control, 1e-12);
        Close.Equal(189.1, r.Treatment, 1e-12);
        Close.Equal(10.0, r.Difference, 1e-12);
        Close.Equal(1.5398931381663081, r.Z, 1e-9);
        Close.Equal(0.12358640368121102, r.PValue, 1e-9);
        Close.Equal(-2.727922061357857, r.CiLow, 1e-9);
        Close.Equal(22.72792206135786, r.CiHigh, 1e-9);
    }

    [Fact]
    public void Percentile_difference_of_constant_arms_is_exact_and_bad_inputs_name_the_field()
    {
        var same = QuantileComparison.Compare([5, 5, 5], [5, 5, 5], 99);
        Assert.Equal((0.0, 1.0), (same.Difference, same.PValue));
        var shifted = QuantileComparison.Compare([5, 5, 5], [7, 7, 7], 99);
        Assert.Equal(0.0, shifted.PValue);
        Assert.Equal("q", Assert.Throws<AnalysisInputException>(() => QuantileComparison.Compare([1, 2], [1, 2], 100)).Field);
        Assert.Equal("treatment", Assert.Throws<AnalysisInputException>(() => QuantileComparison.Compare([1, 2], [1], 50)).Field);
    }

    [Fact]
    public void Shadow_comparison_counts_agreement_correlates_scores_and_compares_accuracy_on_labelled_pairs()
    {
        ShadowPair[] pairs =
        [
            new("1", "1", 0.9, 0.8, "1"),
            new("0", "1", 0.4, 0.6, "1"),
            new("0", "0", 0.1, 0.2, "0"),
            new("1", "1", 0.7, 0.9),
        ];
        var r = ShadowComparison.Compare(pairs, classifier: true);
        Assert.Equal(4, r.Pairs);
        Assert.Equal(0.75, r.AgreementRate);
        Close.Equal(MathNet.Numerics.Statistics.Correlation.Pearson([0.9, 0.4, 0.1, 0.7], [0.8, 0.6, 0.2, 0.9]), r.ScoreCorrelation!.Value, 1e-12);
        Assert.Equal(3, r.Labelled);
        Close.Equal(2 / 3.0, r.ProductionMetric!.Value, 1e-12);
        Close.Equal(1.0, r.ShadowMetric!.Value, 1e-12);
        Close.Equal(1 / 3.0, r.MetricDifference!.Value, 1e-12);

        var regression = ShadowComparison.Compare([new(null, null, 10, 12, LabelValue: 11), new(null, null, 20, 19, LabelValue: 20)], classifier: false);
        Assert.Null(regression.AgreementRate);
        Assert.Equal("mae", regression.Metric);
        Close.Equal(0.5, regression.ProductionMetric!.Value, 1e-12);
        Close.Equal(1.0, regression.ShadowMetric!.Value, 1e-12);
        Assert.Null(regression.ScoreCorrelation);
        Assert.Null(ShadowComparison.Compare([], true).AgreementRate);
    }
}
