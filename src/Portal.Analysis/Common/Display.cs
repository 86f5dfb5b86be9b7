using System.Globalization;

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

    /// <summary>
    /// A duration as people read it: its units with spaces ("1d 2h", "14m 33s", "5m"); milliseconds only under a
    /// second ("250ms"), as nobody reads "3m30s176ms"; under a millisecond reads 0s.
    /// </summary>
    public static string Duration(TimeSpan span)
    {
        if (span.Duration() < TimeSpan.FromMilliseconds(1))
        {
            return "0s";
        }

        var sign = span < TimeSpan.Zero ? "-" : "";
        span = span.Duration();
        if (span < TimeSpan.FromSeconds(1))
        {
            return $"{sign}{span.Milliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        }

        var parts = new List<string>(4);
        Append(parts, span.Days, "d");
        Append(parts, span.Hours, "h");
        Append(parts, span.Minutes, "m");
        Append(parts, span.Seconds, "s");
        return sign + string.Join(' ', parts);
    }

    /// <summary>An elapsed time for people, in whole seconds with spaces: "14m 33s", "2h 5m", "45s"; under half a second "0s".</summary>
    public static string Elapsed(TimeSpan span)
    {
        var seconds = Math.Round(span.TotalSeconds, MidpointRounding.AwayFromZero);
        return seconds == 0 ? "0s" : Duration(TimeSpan.FromSeconds(seconds));
    }

    /// <summary>"19:46 UTC" on the day of <paramref name="now"/>, else "2025-03-02 19:46 UTC".</summary>
    public static string TimeOfDay(DateTimeOffset at, DateTimeOffset now) =>
        at.UtcDateTime.ToString(at.UtcDateTime.Date == now.UtcDateTime.Date ? "HH:mm" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    private static void Append(List<string> parts, int amount, string unit)
    {
        if (amount != 0)
        {
            parts.Add(amount.ToString(CultureInfo.InvariantCulture) + unit);
        }
    }
}
