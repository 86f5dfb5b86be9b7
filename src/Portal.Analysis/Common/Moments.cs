namespace Portal.Analysis.Common;

/// <summary>Mean and sample variance as NumPy computes them (two passes), with exact zero variance for constant data.</summary>
internal static class Moments
{
    public static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum / values.Length;
    }

    /// <summary>
    /// Variance with ddof 1 (needs at least two values). Constant data gives exactly 0: the rounded mean of
    /// e.g. three 0.1s is not 0.1, and a tiny spurious variance would turn "undefined" into a huge statistic.
    /// </summary>
    public static double SampleVariance(ReadOnlySpan<double> values, double mean)
    {
        if (IsConstant(values))
        {
            return 0;
        }

        var sumOfSquares = 0.0;
        foreach (var value in values)
        {
            var deviation = value - mean;
            sumOfSquares += deviation * deviation;
        }

        return sumOfSquares / (values.Length - 1);
    }

    public static bool IsConstant(ReadOnlySpan<double> values)
    {
        foreach (var value in values)
        {
            if (value != values[0])
            {
                return false;
            }
        }

        return true;
    }
}
