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
}
