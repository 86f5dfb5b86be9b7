using System.Globalization;

namespace Portal.Web.Features.Slos;

/// <summary>Maps an SLO status to what its charts and tables draw (kept apart from the components so it is testable).</summary>
public static class SloCharts
{
    /// <summary>Lowest value the burn-down draws: an overspent budget is shown at −100 % with its real value in a note.</summary>
    public const double Floor = -100;

    /// <summary>
    /// The burn-down line: x as ISO timestamps, y as the percentage of the error budget left (null where there is no
    /// budget), clipped at <see cref="Floor"/>. <see cref="Note"/> states the real value when it is clipped.
    /// </summary>
    public sealed record BurnDownLine(IReadOnlyList<string> Times, IReadOnlyList<double?> RemainingPercent, bool Overspent, string? Note = null);

    /// <summary>
    /// The burn-down from the first hour the data covers (a model younger than the SLO window would otherwise draw
    /// weeks of a flat line) to the evaluation.
    /// </summary>
    public static BurnDownLine BurnDown(IReadOnlyList<SloBurnDownPoint> points, double coveredFraction, int windowDays)
    {
        if (points.Count == 0)
        {
            return new BurnDownLine([], [], false);
        }

        var end = points[^1].At;
        var from = end - TimeSpan.FromDays(windowDays * Math.Clamp(coveredFraction, 0, 1)) - TimeSpan.FromHours(1);
        var shown = points.Where(p => p.At >= from).ToList();
        var last = points[^1].Remaining;
        var clipped = shown.Any(p => p.Remaining * 100 < Floor);
        return new BurnDownLine(
            shown.Select(p => p.At.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).ToList(),
            shown.Select(p => p.Remaining is { } r ? Math.Max(Floor, Math.Round(r * 100, 3)) : (double?)null).ToList(),
            last < 0,
            clipped && last is { } l ? $"overspent: {(l * 100).ToString("0", CultureInfo.InvariantCulture)} % (drawn at {Floor} %)" : null);
    }

    /// <summary>The burn-rate windows in the order the SRE workbook reads them.</summary>
    public static readonly IReadOnlyList<string> Windows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

    public static string Rate(double? rate) => rate switch
    {
        null => "—",
        >= 100 => rate.Value.ToString("0", CultureInfo.InvariantCulture),
        _ => rate.Value.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
