using Microsoft.AspNetCore.Components;
using Plotly.Blazor;

namespace Portal.Web.Components.Charts;

/// <summary>
/// Base for chart components: subclasses rebuild <see cref="Data"/> and <see cref="Layout"/> from their parameters,
/// and the plot is redrawn with Plotly's react() whenever the parameters change after the first render
/// (Plotly.Blazor does not redraw on its own when the data list is replaced). A subclass that names its
/// <see cref="Source"/> (an immutable figure) is redrawn only when a different instance arrives, so a live page that
/// reloads one part does not redraw the charts of the others.
/// </summary>
public abstract class PlotlyChartBase : ComponentBase
{
    private bool rendered;
    private bool stale;
    private object? builtFrom;
    private object? builtWith;

    protected PlotlyChart? Chart { get; set; }

    protected Config Config { get; } = new() { Responsive = true, DisplayLogo = false };

    protected Plotly.Blazor.Layout Layout { get; set; } = new();

    protected IList<ITrace> Data { get; set; } = [];

    /// <summary>The parameter the figure is built from, if it is an immutable object; null: rebuild on every parameter set.</summary>
    protected virtual object? Source => null;

    /// <summary>What else the figure is built from (a cascading value such as the page's annotations): a different instance rebuilds it.</summary>
    protected virtual object? Context => null;

    /// <summary>How many times the figure was built (for tests: a redraw happens only after a rebuild).</summary>
    internal int Builds { get; private set; }

    internal IList<ITrace> Traces => Data;

    internal Plotly.Blazor.Layout PlotLayout => Layout;

    /// <summary>Builds <see cref="Data"/> and <see cref="Layout"/> from the current parameters.</summary>
    protected abstract void BuildFigure();

    protected override void OnParametersSet()
    {
        var source = Source;
        if (source is not null && ReferenceEquals(source, builtFrom) && ReferenceEquals(Context, builtWith))
        {
            return;
        }

        (builtFrom, builtWith) = (source, Context);
        BuildFigure();
        Builds++;
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
