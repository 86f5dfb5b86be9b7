namespace Portal.Web.Infrastructure;

/// <summary>
/// Figures derived from stored rollup sums. Rows written before the input bounds (or by hand) may hold Infinity or
/// NaN; JSON and the charts cannot carry them, so such a figure is unknown (null) instead of failing the whole page.
/// </summary>
public static class Figures
{
    public static double? Ratio(double numerator, double denominator) => denominator > 0 ? Finite(numerator / denominator) : null;

    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
