using Portal.Analysis.Drift;
using Portal.Web.Features.Drift;

namespace Portal.Web.Tests.Drift;

public sealed class DriftChartsTests
{
    private static readonly SampleCounts Counts = new(10, 0);
    private static readonly Dictionary<string, IReadOnlyDictionary<string, double>> NoResults = [];

    [Fact]
    public void Strength_of_a_p_value_is_its_log_relative_to_the_threshold_log()
    {
        var report = Report(new DriftColumnResult("age", ColumnType.Numerical, "ks", 0.0025, 0.05, true, NoResults, Counts, Counts));

        var bar = Assert.Single(DriftCharts.Strengths(report));

        Assert.Equal(Math.Log(0.0025) / Math.Log(0.05), bar.Strength, 12);
        Assert.True(bar.Strength > 1);
        Assert.True(bar.Drifted);
        Assert.Contains("ks = 0.0025", bar.Hover);
    }

    [Fact]
    public void Strength_of_a_distance_is_score_over_threshold()
    {
        var report = Report(new DriftColumnResult("income", ColumnType.Numerical, "psi", 0.05, 0.1, false, NoResults, Counts, Counts));

        Assert.Equal(0.5, Assert.Single(DriftCharts.Strengths(report)).Strength, 12);
    }

    [Fact]
    public void Column_without_verdict_has_zero_strength()
    {
        var report = Report(new DriftColumnResult("x", ColumnType.Numerical, "ks", null, 0.05, false, NoResults, Counts, new SampleCounts(0, 5), "not enough data"));

        var bar = Assert.Single(DriftCharts.Strengths(report));

        Assert.Equal(0, bar.Strength);
        Assert.Contains("no verdict", bar.Hover);
    }

    [Fact]
    public void Numeric_overlay_shares_sum_to_one_per_side_over_common_bins()
    {
        var reference = ColumnSample.FromNumbers([1, 2, 3, 4, double.NaN]);
        var current = ColumnSample.FromNumbers([3, 4, 5, 6, 7, 8]);

        var overlay = DriftCharts.Overlay(reference, current, maxBins: 7);

        Assert.Equal(7, overlay.Labels.Count);
        Assert.Equal(1, overlay.Reference.Sum(), 12);
        Assert.Equal(1, overlay.Current.Sum(), 12);
        Assert.Equal(0, overlay.Reference[^1]); // 8 is only in current
        Assert.Equal(0, overlay.Current[0]);    // 1 is only in reference
    }

    [Fact]
    public void Constant_values_give_a_single_bin()
    {
        var overlay = DriftCharts.Overlay(ColumnSample.FromNumbers([5, 5]), ColumnSample.FromNumbers([5]));

        Assert.Equal(["5"], overlay.Labels);
        Assert.Equal([1.0], overlay.Reference);
    }

    [Fact]
    public void Category_overlay_orders_by_total_frequency_and_includes_new_categories()
    {
        var reference = ColumnSample.FromCategories(["DE", "DE", "FR", null]);
        var current = ColumnSample.FromCategories(["DE", "PL", "PL", "PL", "PL"]);

        var overlay = DriftCharts.Overlay(reference, current);

        Assert.Equal(["PL", "DE", "FR"], overlay.Labels);
        Assert.Equal([0.0, 2 / 3.0, 1 / 3.0], overlay.Reference);
        Assert.Equal([0.8, 0.2, 0.0], overlay.Current);
        Assert.True(overlay.Categorical);
    }

    private static DriftReport Report(DriftColumnResult column) => new(column.Drifted, 0.5, 1, column.Drifted ? 1 : 0, [column]);
}
