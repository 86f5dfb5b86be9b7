namespace Portal.Web.Components.Charts;

/// <summary>The time axis of the charts whose points are runs (drift, estimates, fairness, streaming events, SLO burn-down).</summary>
public static class TimeAxis
{
    /// <summary>
    /// An hour around the points when they all fall within a minute (one run so far), so Plotly does not stretch a single
    /// instant over milliseconds; null (Plotly's own range) otherwise.
    /// </summary>
    public static (DateTime From, DateTime To)? AroundSinglePoint(IReadOnlyCollection<DateTime> times) =>
        times.Count > 0 && times.Max() - times.Min() < TimeSpan.FromMinutes(1)
            ? (times.Min().AddMinutes(-30), times.Max().AddMinutes(30))
            : null;

    /// <summary><see cref="AroundSinglePoint"/> as a Plotly axis range.</summary>
    public static IList<object>? Range(IReadOnlyCollection<DateTime> times) =>
        AroundSinglePoint(times) is { } r ? [r.From, r.To] : null;
}
