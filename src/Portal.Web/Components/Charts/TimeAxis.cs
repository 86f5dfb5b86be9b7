using Plotly.Blazor.LayoutLib;

namespace Portal.Web.Components.Charts;

/// <summary>
/// The one owner of the charts' axes: time axes (never sub-second ticks, never running into the future), margins that
/// fit long labels, and value axes of degenerate series.
/// </summary>
public static class TimeAxis
{
    /// <summary>Span shown when all points fall within a minute, so Plotly does not stretch one instant over milliseconds.</summary>
    public static readonly TimeSpan MinimumSpan = TimeSpan.FromHours(1);

    /// <summary>
    /// When the points all fall within a minute (one run so far, or analyses seconds apart): the hour that ends with
    /// them, plus 1 % room for the last marker — not half an hour into the future. Null (Plotly's own range) otherwise.
    /// </summary>
    public static (DateTime From, DateTime To)? AroundSinglePoint(IReadOnlyCollection<DateTime> times) =>
        times.Count > 0 && times.Max() - times.Min() < TimeSpan.FromMinutes(1)
            ? (times.Max() - MinimumSpan, times.Max() + (MinimumSpan / 100))
            : null;

    /// <summary><see cref="AroundSinglePoint"/> as a Plotly axis range.</summary>
    public static IList<object>? Range(IReadOnlyCollection<DateTime> times) =>
        AroundSinglePoint(times) is { } r ? [r.From, r.To] : null;

    /// <summary>A date x axis over <paramref name="times"/> (see <see cref="AroundSinglePoint"/>), its tick labels fitted into the margin.</summary>
    public static XAxis X(IReadOnlyCollection<DateTime> times, string? title = null) => new()
    {
        Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Date,
        Range = Range(times),
        AutoMargin = Plotly.Blazor.LayoutLib.XAxisLib.AutoMarginFlag.True,
        Title = title is null ? null : new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = title },
    };

    /// <summary>
    /// Left margin (px) that fits the longest category label at the charts' 12 px font (≈ 7 px a character), so heat-map
    /// row labels are not clipped; between <paramref name="minimum"/> and 260.
    /// </summary>
    public static int LabelMargin(IEnumerable<string> labels, int minimum = 56) =>
        Math.Clamp((labels.Select(l => l.Length).DefaultIfEmpty(0).Max() * 7) + 16, minimum, 260);

    /// <summary>
    /// A fixed value range for a degenerate series (every value equal up to rounding noise, e.g. a PCA error of 1e-16
    /// on two features): ±10 % around the value (±1e-3 around 0), so the axis does not magnify the noise. Null otherwise.
    /// </summary>
    public static IList<object>? DegenerateRange(IEnumerable<double?> values)
    {
        var finite = values.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();
        if (finite.Count == 0)
        {
            return null;
        }

        double min = finite.Min(), max = finite.Max();
        var scale = Math.Max(Math.Abs(min), Math.Abs(max));
        if (max - min > Math.Max(scale * 1e-9, 1e-12))
        {
            return null;
        }

        var middle = scale < 1e-9 ? 0 : (min + max) / 2;
        var pad = scale < 1e-9 ? 1e-3 : Math.Abs(middle) * 0.1;
        return [middle - pad, middle + pad];
    }
}
