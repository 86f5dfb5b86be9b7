using Microsoft.AspNetCore.Components;
using Plotly.Blazor;

namespace Portal.Web.Components.Charts;

/// <summary>
/// Base for chart components: subclasses rebuild <see cref="Data"/> and <see cref="Layout"/> from their parameters,
/// and the plot is redrawn with Plotly's react() whenever the parameters change after the first render
/// (Plotly.Blazor does not redraw on its own when the data list is replaced).
/// </summary>
public abstract class PlotlyChartBase : ComponentBase
{
    private bool rendered;
    private bool stale;

    protected PlotlyChart? Chart { get; set; }

    protected Config Config { get; } = new() { Responsive = true, DisplayLogo = false };

    protected Plotly.Blazor.Layout Layout { get; set; } = new();

    protected IList<ITrace> Data { get; set; } = [];

    /// <summary>Builds <see cref="Data"/> and <see cref="Layout"/> from the current parameters.</summary>
    protected abstract void BuildFigure();

    protected override void OnParametersSet()
    {
        BuildFigure();
        stale = rendered;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        rendered = true;
        if (stale && Chart is not null)
        {
            stale = false;
            await Chart.React();
        }
    }
}
