namespace Portal.Analysis.Drift;

/// <summary>
/// How often each distinct value occurs in reference and current, aligned over the union of both and in
/// ascending order (numbers numerically, categories by ordinal string order). The category tests use it, and
/// the binned tests when a column has few distinct values.
/// </summary>
internal sealed class ValueCounts
{
    private ValueCounts(int[] reference, int[] current, int referenceTotal, int currentTotal)
    {
        Reference = reference;
        Current = current;
        ReferenceTotal = referenceTotal;
        CurrentTotal = currentTotal;
    }

    public int[] Reference { get; }

    public int[] Current { get; }

    public int ReferenceTotal { get; }

    public int CurrentTotal { get; }

    /// <summary>Number of distinct values in reference ∪ current.</summary>
    public int Count => Reference.Length;

    public static ValueCounts FromSortedNumbers(double[] reference, double[] current)
    {
        var referenceCounts = new List<int>();
        var currentCounts = new List<int>();
        int i = 0, j = 0;
        while (i < reference.Length || j < current.Length)
        {
            var value = j >= current.Length || (i < reference.Length && reference[i] <= current[j]) ? reference[i] : current[j];
            int iStart = i, jStart = j;
            while (i < reference.Length && reference[i] <= value)
            {
                i++;
            }

            while (j < current.Length && current[j] <= value)
            {
                j++;
            }

            referenceCounts.Add(i - iStart);
            currentCounts.Add(j - jStart);
        }

        return new ValueCounts([.. referenceCounts], [.. currentCounts], reference.Length, current.Length);
    }

    public static ValueCounts FromCategories(string[] reference, string[] current)
    {
        var counts = new Dictionary<string, (int Reference, int Current)>(StringComparer.Ordinal);
        foreach (var value in reference)
        {
            counts[value] = counts.TryGetValue(value, out var c) ? (c.Reference + 1, c.Current) : (1, 0);
        }

        foreach (var value in current)
        {
            counts[value] = counts.TryGetValue(value, out var c) ? (c.Reference, c.Current + 1) : (0, 1);
        }

        var keys = counts.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        var referenceCounts = new int[keys.Length];
        var currentCounts = new int[keys.Length];
        for (var k = 0; k < keys.Length; k++)
        {
            (referenceCounts[k], currentCounts[k]) = counts[keys[k]];
        }

        return new ValueCounts(referenceCounts, currentCounts, reference.Length, current.Length);
    }

    /// <summary>Distinct values in the sorted sample(s), counting no further than <paramref name="limit"/>.</summary>
    public static int DistinctCountUpTo(double[] first, double[] second, int limit)
    {
        int i = 0, j = 0, distinct = 0;
        while ((i < first.Length || j < second.Length) && distinct < limit)
        {
            var value = j >= second.Length || (i < first.Length && first[i] <= second[j]) ? first[i] : second[j];
            while (i < first.Length && first[i] <= value)
            {
                i++;
            }

            while (j < second.Length && second[j] <= value)
            {
                j++;
            }

            distinct++;
        }

        return distinct;
    }
}
