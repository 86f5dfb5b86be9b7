using System.Globalization;
using System.Text;

namespace Portal.Analysis.Common;

/// <summary>
/// Numbers and durations as they appear in reasons and evidence sentences ("value 0.12 > 0.05 for 5m").
/// Invariant culture so a reason reads the same on every node.
/// </summary>
internal static class Display
{
    /// <summary>Up to six significant digits: 0.12, 14.4, 1234.5.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Exactly two decimals, for confidences: 0.8808 → "0.88".</summary>
    public static string TwoDecimals(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A fraction in [0, 1] as a percentage with up to two decimals: 0.1234 → "12.34%".</summary>
    public static string Percent(double fraction) =>
        (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    /// <summary>Prometheus-style duration: 1d2h, 5m, 30s, 250ms; under a millisecond reads 0s.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span.Duration() < TimeSpan.FromMilliseconds(1))
        {
            return "0s";
        }

        var text = new StringBuilder();
        if (span < TimeSpan.Zero)
        {
            text.Append('-');
            span = span.Duration();
        }

        Append(text, span.Days, "d");
        Append(text, span.Hours, "h");
        Append(text, span.Minutes, "m");
        Append(text, span.Seconds, "s");
        Append(text, span.Milliseconds, "ms");
        return text.ToString();
    }

    /// <summary>An elapsed time for people, in whole seconds with spaces: "14m 33s", "2h 5m", "45s"; under a second "0s".</summary>
    public static string Elapsed(TimeSpan span)
    {
        var seconds = (long)Math.Round(span.Duration().TotalSeconds, MidpointRounding.AwayFromZero);
        if (seconds == 0)
        {
            return "0s";
        }

        var whole = TimeSpan.FromSeconds(seconds);
        var parts = new List<string>(4);
        foreach (var (amount, unit) in new[] { ((int)whole.TotalDays, "d"), (whole.Hours, "h"), (whole.Minutes, "m"), (whole.Seconds, "s") })
        {
            if (amount != 0)
            {
                parts.Add(amount.ToString(CultureInfo.InvariantCulture) + unit);
            }
        }

        return (span < TimeSpan.Zero ? "-" : "") + string.Join(' ', parts);
    }

    private static void Append(StringBuilder text, int amount, string unit)
    {
        if (amount != 0)
        {
            text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
