using Portal.Analysis.Alerting;

namespace Portal.Web.Features.Alerts;

/// <summary>Data for the rule preview chart: the metric each minute, the threshold, and the firing stretches.</summary>
public static class AlertCharts
{
    public sealed record Band(DateTime From, DateTime To);

    public sealed record PreviewFigure(IReadOnlyList<DateTime> Times, IReadOnlyList<double?> Values, double Threshold, IReadOnlyList<Band> Firing);

    public static PreviewFigure Preview(ModelPreview preview, double threshold)
    {
        var end = preview.Series.Count > 0 ? preview.Series[^1].At.UtcDateTime : DateTime.UtcNow;
        return new PreviewFigure(
            preview.Series.Select(p => p.At.UtcDateTime).ToList(),
            preview.Series.Select(p => p.Value is { } v && double.IsFinite(v) ? (double?)v : null).ToList(),
            threshold,
            preview.Result.Episodes.Select(e => new Band(e.FiredAt.UtcDateTime, e.ResolvedAt?.UtcDateTime ?? end)).ToList());
    }
}
