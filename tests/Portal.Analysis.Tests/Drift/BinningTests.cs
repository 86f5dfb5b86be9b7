using Portal.Analysis.Drift;

namespace Portal.Analysis.Tests.Drift;

public class BinningTests
{
    [Fact]
    public void Sturges_edges_match_numpy()
    {
        // np.histogram_bin_edges(np.arange(1100) * 0.37 - 5, bins="sturges")
        double[] numpy =
        [
            -5.0, 28.88583333333333, 62.77166666666666, 96.6575, 130.54333333333332, 164.42916666666665, 198.315,
            232.20083333333332, 266.08666666666664, 299.97249999999997, 333.8583333333333, 367.7441666666666, 401.63,
        ];

        var edges = Binning.SturgesEdges(-5.0, 1099 * 0.37 - 5, 1100)!;

        Assert.Equal(numpy, edges);
    }

    [Fact]
    public void Sturges_edges_of_a_constant_are_one_unit_wide_bin()
    {
        // np.histogram_bin_edges(np.full(30, 2.5), bins="sturges") → [2.0, 3.0]
        Assert.Equal([2.0, 3.0], Binning.SturgesEdges(2.5, 2.5, 30)!);
    }

    [Fact]
    public void Counts_per_bin_close_the_last_bin_like_numpy()
    {
        // np.histogram([0, 1, 1, 2, 3, 3], [0, 1, 2, 3]) → [1, 2, 3]
        Assert.Equal([1, 2, 3], Binning.CountPerBin([0, 1, 1, 2, 3, 3], [0, 1, 2, 3]));
    }

    [Fact]
    public void Empty_shares_are_filled_with_one_ten_thousandth()
    {
        Assert.Equal([0.5, 0.5, 0.0001], Binning.Filled([0.5, 0.5, 0.0]));
    }

    [Fact]
    public void Empty_shares_below_a_tiny_share_are_filled_with_a_millionth_of_it()
    {
        Assert.Equal([0.99995, 0.00005, 0.00005 / 1e6], Binning.Filled([0.99995, 0.00005, 0.0]));
    }

    [Fact]
    public void Reference_with_more_than_20_distinct_values_gets_sturges_bins()
    {
        var reference = ColumnSample.FromNumbers([.. Enumerable.Range(0, 21).Select(i => (double)i)]);
        var current = ColumnSample.FromNumbers([0.5, 20]);

        var shares = Binning.Shares(new ColumnPair(reference, current))!.Value;

        // 23 values → Sturges gives ⌈log2(23) + 1⌉ = 6 bins, not one per value.
        Assert.Equal(6, shares.Reference.Length);
        Assert.Equal(1.0, shares.Reference.Sum(), 12);
        Assert.Equal(1.0, shares.Current.Sum(), 12);
    }

    [Fact]
    public void Reference_with_20_distinct_values_gets_one_bin_per_value_of_the_union()
    {
        var reference = ColumnSample.FromNumbers([.. Enumerable.Range(0, 20).Select(i => (double)i)]);
        var current = ColumnSample.FromNumbers([0.5, 19]);

        var shares = Binning.Shares(new ColumnPair(reference, current))!.Value;

        Assert.Equal(21, shares.Reference.Length);
        Assert.Equal(0.0, shares.Reference[1]); // the value 0.5 only occurs in current
        Assert.Equal(0.5, shares.Current[1]);
    }
}
