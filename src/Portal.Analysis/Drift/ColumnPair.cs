namespace Portal.Analysis.Drift;

/// <summary>
/// Reference and current sample of one column, with the intermediate results several tests share (value
/// counts, bin shares, CDF distances) computed once on first use. Used by one thread at a time.
/// </summary>
internal sealed class ColumnPair(ColumnSample reference, ColumnSample current)
{
    private ValueCounts? counts;
    private (double[] Reference, double[] Current)? shares;
    private bool sharesComputed;
    private CdfDistances.Result? distances;

    public ColumnSample Reference { get; } = reference;

    public ColumnSample Current { get; } = current;

    public bool IsNumerical => Reference.Type == ColumnType.Numerical;

    public ValueCounts Counts => counts ??= IsNumerical
        ? ValueCounts.FromSortedNumbers(Reference.SortedNumbers, Current.SortedNumbers)
        : ValueCounts.FromCategories(Reference.Categories, Current.Categories);

    /// <summary>Unfilled bin shares (<see cref="Binning"/>); null when the bins are undefined.</summary>
    public (double[] Reference, double[] Current)? Shares
    {
        get
        {
            if (!sharesComputed)
            {
                shares = Binning.Shares(this);
                sharesComputed = true;
            }

            return shares;
        }
    }

    public CdfDistances.Result Distances => distances ??= CdfDistances.Compute(Reference.SortedNumbers, Current.SortedNumbers);
}
