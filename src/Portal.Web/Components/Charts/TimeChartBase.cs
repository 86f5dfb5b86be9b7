using Microsoft.AspNetCore.Components;
using Plotly.Blazor.Interop;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Components.Charts;

/// <summary>
/// A chart over time on a model page: draws the page's annotations (<see cref="ChartTimeContext"/>) and, when the page
/// takes a drag as a new time range, zooms only along time and hands the dragged range to the page.
/// </summary>
public abstract class TimeChartBase : PlotlyChartBase
{
    private bool subscribed;

    [CascadingParameter] public ChartTimeContext? TimeContext { get; set; }

    protected override object? Context => TimeContext;

    private ChartTimeContext Time => TimeContext ?? ChartTimeContext.None;

    /// <summary>Ends <see cref="PlotlyChartBase.BuildFigure"/>: annotations over <paramref name="times"/>, and time-only zoom.</summary>
    protected void AddTimeContext(IReadOnlyCollection<DateTime> times)
    {
        if (ChartAnnotationLayer.Add(Data, Layout, Time.Annotations, times) > 0)
        {
            Layout.ShowLegend = true;
            Layout.Legend ??= [ChartThreshold.LegendAbovePlot()];
            Layout.Margin ??= new Plotly.Blazor.LayoutLib.Margin();
            Layout.Margin.T = Math.Max(Layout.Margin.T ?? 0, ChartThreshold.TopMarginForLegend);
        }

        if (Time.Zoom is not null)
        {
            // A drag selects a span of time (Grafana's zoom), never a value range; the page then shows that range, so
            // Plotly's "double-click to zoom back out" tip would mislead.
            Config.ShowTips = false;
            Layout.DragMode = Plotly.Blazor.LayoutLib.DragModeEnum.Zoom;
            foreach (var axis in Layout.YAxis ?? [])
            {
                axis.FixedRange = true;
            }
        }
    }

    /// <summary>A drag across the chart: its time range becomes the page's (double-click resets only the chart).</summary>
    protected void OnRelayout(RelayoutEventData e)
    {
        if (Time.Zoom is { } zoom && e.XRange is [var a, var b]
            && DashboardWindow.TryParseTime(a?.ToString(), out var from) && DashboardWindow.TryParseTime(b?.ToString(), out var to) && to > from)
        {
            _ = InvokeAsync(() => zoom(from, to));
        }
    }

    /// <summary>
    /// After Plotly.Blazor has drawn the plot: only then does the element carry Plotly's event API (subscribing from this
    /// component's own first render raced the drawing and failed with "plot.on is not a function").
    /// </summary>
    protected void OnChartDrawn()
    {
        if (!subscribed && Time.Zoom is not null && Chart is not null)
        {
            subscribed = true;
            var chart = Chart;
            _ = InvokeAsync(async () => await chart.SubscribeRelayoutEvent());
        }
    }
}
