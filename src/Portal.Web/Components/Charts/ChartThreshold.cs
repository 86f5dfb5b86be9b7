using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;

namespace Portal.Web.Components.Charts;

/// <summary>
/// A threshold across a chart (an SLO bound, a drift or fairness threshold): a dashed red line over the whole width,
/// named in the legend rather than by a label on the line — a label at either end covered the data wherever it ran
/// close to the line (the latency chart's p99 near its SLO bound).
/// </summary>
public static class ChartThreshold
{
    public static Shape Line(double y) => new()
    {
        Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line, XRef = "paper", X0 = 0, X1 = 1, Y0 = y, Y1 = y,
        Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = ChartColors.Bad, Dash = "dash", Width = 1.5m },
    };

    /// <summary>The legend entry: a trace without points, drawn in the line's style, so the legend shows "- - label".</summary>
    public static ITrace LegendEntry(string label) => new Scatter
    {
        Name = label, X = [null!], Y = [null!], Mode = Plotly.Blazor.Traces.ScatterLib.ModeFlag.Lines, ShowLegend = true,
        Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = ChartColors.Bad, Dash = "dash", Width = 1.5m },
        HoverInfo = Plotly.Blazor.Traces.ScatterLib.HoverInfoFlag.Skip,
    };

    /// <summary>Top margin of a chart whose legend sits above the plot (room for one row of legend entries).</summary>
    public const int TopMarginForLegend = 40;

    /// <summary>
    /// A horizontal legend wholly above the plot (anchored at its bottom): one placed inside the top margin's 16 px
    /// overlapped the top of the plot and hid the threshold line and the data there.
    /// </summary>
    public static Legend LegendAbovePlot() => new()
    {
        Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = 1.02m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom,
    };
}
