using System.Globalization;
using MudBlazor;
using Portal.Data.Entities.Jobs;

namespace Portal.Web.Infrastructure.Jobs;

/// <summary>How job outcomes, severities and durations look on the pages.</summary>
public static class JobDisplay
{
    public static Color OutcomeColor(JobOutcome outcome) => outcome switch
    {
        JobOutcome.Succeeded => Color.Success,
        JobOutcome.Failed => Color.Error,
        JobOutcome.NotEnoughData => Color.Warning,
        _ => Color.Info,
    };

    public static string OutcomeText(JobOutcome outcome) => outcome switch
    {
        JobOutcome.NotEnoughData => "not enough data",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    public static Color SeverityColor(DriftSeverity severity) => severity switch
    {
        DriftSeverity.Critical => Color.Error,
        DriftSeverity.Warning => Color.Warning,
        DriftSeverity.Info => Color.Info,
        _ => Color.Success,
    };

    public static string Duration(double? milliseconds) => milliseconds switch
    {
        null => "—",
        < 1000 => $"{milliseconds.Value.ToString("0", CultureInfo.InvariantCulture)} ms",
        < 60_000 => $"{(milliseconds.Value / 1000).ToString("0.0", CultureInfo.InvariantCulture)} s",
        _ => $"{(milliseconds.Value / 60_000).ToString("0.0", CultureInfo.InvariantCulture)} min",
    };

    public static string Window(DateTime? start, DateTime? end) => (start, end) switch
    {
        ({ } s, { } e) => $"{s.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} → {e.ToString(s.Date == e.Date ? "HH:mm" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}",
        _ => "—",
    };

    public static string Percent(double? fraction, string format = "0.##") =>
        fraction is { } f ? (f * 100).ToString(format, CultureInfo.InvariantCulture) + " %" : "—";

    public static string Number(double? value, string format = "0.###") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
}
