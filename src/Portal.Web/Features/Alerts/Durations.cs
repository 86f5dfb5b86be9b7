using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Web.Features.Alerts;

/// <summary>Durations as people type them in forms: 30s, 5m, 1h, 2d, or combined like 1h30m.</summary>
public static partial class Durations
{
    [GeneratedRegex("^\\s*(?:(\\d+)d)?\\s*(?:(\\d+)h)?\\s*(?:(\\d+)m)?\\s*(?:(\\d+)s)?\\s*\\z")]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out TimeSpan span)
    {
        span = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed == "0")
        {
            return true;
        }

        var match = Pattern().Match(trimmed);
        if (!match.Success || match.Groups.Values.Skip(1).All(g => !g.Success))
        {
            return false;
        }

        long Part(int i) => match.Groups[i].Success ? long.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
        var seconds = (Part(1) * 86400) + (Part(2) * 3600) + (Part(3) * 60) + Part(4);
        if (seconds > int.MaxValue)
        {
            return false;
        }

        span = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>The shortest form: 0s, 45s, 5m, 1h30m, 2d.</summary>
    public static string Format(TimeSpan span)
    {
        if (span <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = "";
        if (span.Days > 0)
        {
            text += $"{span.Days}d";
        }

        if (span.Hours > 0)
        {
            text += $"{span.Hours}h";
        }

        if (span.Minutes > 0)
        {
            text += $"{span.Minutes}m";
        }

        if (span.Seconds > 0)
        {
            text += $"{span.Seconds}s";
        }

        return text;
    }

    public static string FormatSeconds(int seconds) => Format(TimeSpan.FromSeconds(seconds));
}
