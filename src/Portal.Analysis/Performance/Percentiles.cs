namespace Portal.Analysis.Performance;

public static class Percentiles
{
    /// <summary>NumPy's default (linear interpolation) percentile, q in [0, 100], of ascending values.</summary>
    public static double OfSorted(ReadOnlySpan<double> sorted, double q) => throw new NotImplementedException();
}
