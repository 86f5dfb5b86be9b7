using MudBlazor;

namespace Portal.Web.Features.Alerts;

/// <summary>Colours and wording shared by the alert pages.</summary>
public static class AlertChips
{
    public static Color StateColor(string state) => state switch
    {
        "Firing" => Color.Error,
        "Pending" => Color.Warning,
        "Resolved" => Color.Success,
        _ => Color.Default,
    };

    public static Color SeverityColor(string severity) => severity switch
    {
        "Critical" => Color.Error,
        "Warning" => Color.Warning,
        _ => Color.Info,
    };

    public static string Since(DateTime? at, DateTime now)
    {
        if (at is not { } t)
        {
            return "";
        }

        var span = now - t;
        return span.TotalSeconds < 1 ? "just now" : $"{Infrastructure.Display.TimeText.Duration(span)} ago";
    }

    public static string Value(double? value) => value is { } v ? v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "no data";
}
