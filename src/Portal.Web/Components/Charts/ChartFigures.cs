namespace Portal.Web.Components.Charts;

public enum SeriesStyle
{
    Line,
    DashedLine,
    StackedArea,
    Bars,
}

/// <summary>One named series; null values are gaps.</summary>
public sealed record Series(string Name, IReadOnlyList<double?> Values, string? Color = null, SeriesStyle Style = SeriesStyle.Line, bool SecondAxis = false);

/// <summary>
/// Series over time (UTC bucket starts). <see cref="YFormat"/> is a d3 format (".0%", ".3s"); an optional horizontal
/// line marks a threshold (an SLO bound, a drift threshold).
/// </summary>
public sealed record TimeSeriesFigure(
    IReadOnlyList<DateTime> Times, IReadOnlyList<Series> Series, string YTitle, string? YFormat = null,
    double? Threshold = null, string? ThresholdLabel = null, string? Y2Title = null, string? Y2Format = null)
{
    public bool IsEmpty => Series.All(s => s.Values.All(v => v is null or 0));
}

/// <summary>Bars over categories (or bins), one group per series.</summary>
public sealed record BarFigure(IReadOnlyList<string> Labels, IReadOnlyList<Series> Series, string YTitle, string? YFormat = null, string? XTitle = null);

/// <summary>
/// A matrix of values with optional cell texts; rows are <see cref="Y"/>, columns <see cref="X"/>. <see cref="Hover"/>,
/// when given, is the whole hover text of each cell (HTML line breaks allowed).
/// </summary>
public sealed record HeatmapFigure(
    IReadOnlyList<string> X, IReadOnlyList<string> Y, double?[][] Z, string[][]? Text, string ColorScale,
    double? ZMin = null, double? ZMax = null, string? XTitle = null, string? YTitle = null, string[][]? Hover = null);

/// <summary>Colours shared by the dashboards (theme.css has the same status colours).</summary>
public static class ChartColors
{
    public const string Primary = "#00695c";
    public const string Secondary = "#ef6c00";
    public const string Muted = "#90a4ae";
    public const string Ok = "#2e7d32";
    public const string Warn = "#ed6c02";
    public const string Bad = "#c62828";

    public static readonly string[] Palette = ["#00695c", "#ef6c00", "#1565c0", "#6a1b9a", "#c62828", "#2e7d32", "#5d4037", "#00838f", "#ad1457", "#9e9d24"];

    public static string At(int i) => Palette[i % Palette.Length];
}
