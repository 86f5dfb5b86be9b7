using Portal.Analysis.Common;
using Portal.Analysis.Performance;

namespace Portal.Analysis.Tests.Performance;

/// <summary>Percentiles and summaries; expected numbers from NumPy 1.24.2.</summary>
public class PercentilesTests
{
    [Theory]
    // np.percentile([1,2,2,2,3,3,10], [0,10,25,50,62.5,90,95,99,100])
    [InlineData(0, 1.0)]
    [InlineData(10, 1.6)]
    [InlineData(25, 2.0)]
    [InlineData(50, 2.0)]
    [InlineData(62.5, 2.75)]
    [InlineData(90, 5.8000000000000025)]
    [InlineData(95, 7.899999999999995)]
    [InlineData(99, 9.579999999999997)]
    [InlineData(100, 10.0)]
    public void Percentile_matches_numpy_on_ties(double q, double expected)
    {
        double[] sorted = [1, 2, 2, 2, 3, 3, 10];

        Assert.Equal(expected, Percentiles.OfSorted(sorted, q), 1e-12);
    }

    [Fact]
    public void Percentile_interpolates_from_the_nearer_end_as_numpy_does()
    {
        // np.percentile([2.9272074901248715, 6.962159966701554], 82) == 6.235868520917751 exactly;
        // a + (b − a)·t would give 6.235868520917752.
        double[] sorted = [2.9272074901248715, 6.962159966701554];

        Assert.Equal(6.235868520917751, Percentiles.OfSorted(sorted, 82));
    }

    [Fact]
    public void Percentile_of_a_single_value_is_that_value()
    {
        Assert.Equal(4.5, Percentiles.OfSorted([4.5], 0));
        Assert.Equal(4.5, Percentiles.OfSorted([4.5], 99));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void Percentile_rejects_q_outside_0_to_100(double q)
    {
        var error = Assert.Throws<AnalysisInputException>(() => Percentiles.OfSorted([1.0, 2.0], q));
        Assert.Equal("q", error.Field);
    }

    [Fact]
    public void Percentile_rejects_no_values()
    {
        var error = Assert.Throws<AnalysisInputException>(() => Percentiles.OfSorted([], 50));
        Assert.Equal("values", error.Field);
    }

    [Fact]
    public void Percentile_rejects_NaN()
    {
        var error = Assert.Throws<AnalysisInputException>(() => Percentiles.OfSorted([1.0, double.NaN], 50));
        Assert.Equal("values", error.Field);
    }

    [Fact]
    public void Summary_drops_missing_values_and_counts_them()
    {
        // x = [4.0, 1.5, 9.25, 2.0]: np.mean 4.1875, np.std(ddof=1) 3.543626908503019,
        // np.percentile(x, [50, 95, 99]) == [3.0, 8.462499999999999, 9.0925]
        var summary = Percentiles.Summarize([4.0, double.NaN, 1.5, 9.25, double.NaN, 2.0]);

        Assert.Equal(4, summary.Count);
        Assert.Equal(2, summary.Missing);
        Assert.Equal(4.1875, summary.Mean, 1e-12);
        Assert.Equal(3.543626908503019, summary.Std!.Value, 1e-12);
        Assert.Equal(3.0, summary.P50, 1e-12);
        Assert.Equal(8.462499999999999, summary.P95, 1e-12);
        Assert.Equal(9.0925, summary.P99, 1e-12);
    }

    [Fact]
    public void Summary_of_one_value_has_no_std()
    {
        var summary = Percentiles.Summarize([7.0]);

        Assert.Null(summary.Std);
        Assert.Equal(7.0, summary.P99);
    }

    [Fact]
    public void Summary_rejects_only_missing_values()
    {
        var error = Assert.Throws<AnalysisInputException>(() => Percentiles.Summarize([double.NaN]));
        Assert.Equal("values", error.Field);
    }
}
