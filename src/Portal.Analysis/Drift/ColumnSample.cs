namespace Portal.Analysis.Drift;

/// <summary>
/// One column of one dataset (reference or current) with missing values removed and counted.
/// Numerical samples are sorted once here so every test can share the sorted array.
/// </summary>
public sealed class ColumnSample
{
    private ColumnSample(ColumnType type, double[]? sorted, string[]? categories, int missing)
    {
        Type = type;
        SortedNumbers = sorted ?? [];
        Categories = categories ?? [];
        Missing = missing;
    }

    public ColumnType Type { get; }

    /// <summary>Non-missing values in ascending order (numerical columns only).</summary>
    public double[] SortedNumbers { get; }

    /// <summary>Non-missing values in input order (categorical columns only).</summary>
    public string[] Categories { get; }

    /// <summary>Number of non-missing values.</summary>
    public int Count => Type == ColumnType.Numerical ? SortedNumbers.Length : Categories.Length;

    /// <summary>Number of missing values (null, NaN or ±Infinity) that were dropped.</summary>
    public int Missing { get; }

    /// <summary>
    /// NaN marks a missing value. ±Infinity is dropped and counted as missing too, as Evidently does before its
    /// tests (no drift statistic is defined on it).
    /// </summary>
    public static ColumnSample FromNumbers(ReadOnlySpan<double> values)
    {
        var kept = new double[values.Length];
        var n = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                kept[n++] = v;
            }
        }

        Array.Resize(ref kept, n);
        Array.Sort(kept);
        return new ColumnSample(ColumnType.Numerical, kept, null, values.Length - n);
    }

    /// <summary>null marks a missing value.</summary>
    public static ColumnSample FromCategories(IReadOnlyList<string?> values)
    {
        var kept = new List<string>(values.Count);
        foreach (var v in values)
        {
            if (v is not null)
            {
                kept.Add(v);
            }
        }

        return new ColumnSample(ColumnType.Categorical, null, [.. kept], values.Count - kept.Count);
    }
}
