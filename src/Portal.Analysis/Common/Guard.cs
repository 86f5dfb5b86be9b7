using System.Globalization;

namespace Portal.Analysis.Common;

/// <summary>Input checks that throw <see cref="AnalysisInputException"/> naming the offending field.</summary>
internal static class Guard
{
    /// <summary>A probability-like parameter strictly between 0 and 1 (alpha, power, a rate).</summary>
    public static void InOpenUnitInterval(double value, string field)
    {
        if (!(value > 0 && value < 1))
        {
            throw new AnalysisInputException(field, $"{field} must be between 0 and 1 (exclusive), got {Format(value)}.");
        }
    }

    public static void NotEmpty(int count, string field)
    {
        if (count == 0)
        {
            throw new AnalysisInputException(field, $"{field} is empty.");
        }
    }

    /// <summary><paramref name="field"/> must have as many values as <paramref name="otherField"/>.</summary>
    public static void SameLength(int expected, int actual, string field, string otherField)
    {
        if (actual != expected)
        {
            throw new AnalysisInputException(field, $"{field} has {actual} values but {otherField} has {expected}.");
        }
    }

    public static void AllFinite(IReadOnlyList<double> values, string field)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new AnalysisInputException(field, $"{field}[{i}] must be a finite number, got {Format(values[i])}.");
            }
        }
    }

    /// <summary>
    /// Finite inputs can still overflow (squares of 1e200); a NaN or infinite result is reported as an input
    /// error rather than returned.
    /// </summary>
    public static void FiniteResults(string field, params ReadOnlySpan<double> results)
    {
        foreach (var result in results)
        {
            if (!double.IsFinite(result))
            {
                throw new AnalysisInputException(field, $"The result overflows for these inputs (check {field}).");
            }
        }
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static void NotNull(object? value, string field)
    {
        if (value is null)
        {
            throw new AnalysisInputException(field, "is required");
        }
    }

    /// <summary>Rejects null, fewer than <paramref name="minCount"/> values, NaN and infinities.</summary>
    public static void Finite(IReadOnlyList<double>? values, string field, int minCount = 1)
    {
        NotNull(values, field);
        if (values!.Count < minCount)
        {
            throw new AnalysisInputException(field, minCount == 1 ? "is empty" : $"needs at least {minCount} values, got {values.Count}");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new AnalysisInputException(field, $"value at index {i} is {values[i]}; only finite numbers are allowed");
            }
        }
    }

    public static void SameLength(int expected, int actual, string field)
    {
        if (expected != actual)
        {
            throw new AnalysisInputException(field, $"has {actual} values but {expected} were expected");
        }
    }

    /// <summary>Rejects values other than 0 and 1.</summary>
    public static void Binary(IReadOnlyList<int>? values, string field, int minCount = 1)
    {
        NotNull(values, field);
        if (values!.Count < minCount)
        {
            throw new AnalysisInputException(field, minCount == 1 ? "is empty" : $"needs at least {minCount} values, got {values.Count}");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not (0 or 1))
            {
                throw new AnalysisInputException(field, $"value at index {i} is {values[i]}; labels must be 0 or 1");
            }
        }
    }

    public static void Probability(double value, string field, bool allowZero = false, bool allowOne = false)
    {
        var ok = double.IsFinite(value)
            && (allowZero ? value >= 0 : value > 0)
            && (allowOne ? value <= 1 : value < 1);
        if (!ok)
        {
            throw new AnalysisInputException(field, $"must be in {(allowZero ? "[" : "(")}0, 1{(allowOne ? "]" : ")")}, got {value}");
        }
    }

    public static void Positive(int value, string field)
    {
        if (value <= 0)
        {
            throw new AnalysisInputException(field, $"must be positive, got {value}");
        }
    }

    /// <summary>Rectangular table of finite numbers with at least <paramref name="minRows"/> rows.</summary>
    public static int Table(IReadOnlyList<double[]>? rows, string field, int minRows, int expectedColumns = -1)
    {
        NotNull(rows, field);
        if (rows!.Count < minRows)
        {
            throw new AnalysisInputException(field, $"needs at least {minRows} rows, got {rows.Count}");
        }

        var columns = expectedColumns >= 0 ? expectedColumns : rows[0]?.Length ?? 0;
        if (columns == 0)
        {
            throw new AnalysisInputException(field, "has no columns");
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row is null || row.Length != columns)
            {
                throw new AnalysisInputException(field, $"row {r} has {row?.Length ?? 0} columns, expected {columns}");
            }

            for (var c = 0; c < columns; c++)
            {
                if (!double.IsFinite(row[c]))
                {
                    throw new AnalysisInputException(field, $"row {r} column {c} is {row[c]}; only finite numbers are allowed");
                }
            }
        }

        return columns;
    }
}
