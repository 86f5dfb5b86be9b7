using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;

namespace Portal.Web.Components.Charts;

/// <summary>What happened at an annotated time.</summary>
public enum AnnotationKind
{
    VersionStarted,
    DriftDetected,
    DriftCleared,
    AlertFiring,
    AlertResolved,
    ExperimentStarted,
    ExperimentStopped,
}

/// <summary>An event marked on every time chart of a model page (Grafana's annotations): when, what, and what hover says.</summary>
public sealed record ChartAnnotation(DateTime At, AnnotationKind Kind, string Text);

/// <summary>
/// What a model page gives each of its time charts (a cascading value): the annotations of its window, and what a drag
/// across a chart does — sets the page's time range (and its URL), as in Grafana.
/// </summary>
public sealed record ChartTimeContext(IReadOnlyList<ChartAnnotation> Annotations, Func<DateTimeOffset, DateTimeOffset, Task>? Zoom)
{
    public static readonly ChartTimeContext None = new([], null);
}

/// <summary>
/// Draws annotations on a time chart: a dotted vertical line per event (shapes have no hover), and a marker per event at
/// the top of the plot on a hidden 0…1 axis whose hover says what it was. One legend entry per kind, so a kind can be
/// hidden with a click.
/// </summary>
public static class ChartAnnotationLayer
{
    public static string Name(AnnotationKind kind) => kind switch
    {
        AnnotationKind.VersionStarted => "version started",
        AnnotationKind.DriftDetected => "drift detected",
        AnnotationKind.DriftCleared => "drift cleared",
        AnnotationKind.AlertFiring => "alert firing",
        AnnotationKind.AlertResolved => "alert resolved",
        AnnotationKind.ExperimentStarted => "experiment started",
        _ => "experiment stopped",
    };

    public static string Color(AnnotationKind kind) => kind switch
    {
        AnnotationKind.VersionStarted => "#1565c0",
        AnnotationKind.DriftDetected => "#6a1b9a",
        AnnotationKind.DriftCleared => "#9575cd",
        AnnotationKind.AlertFiring => ChartColors.Bad,
        AnnotationKind.AlertResolved => ChartColors.Ok,
        _ => "#5d4037",
    };

    /// <summary>
    /// Adds the annotations from the chart's first time on (the page loads only its window's, so none lies beyond it;
    /// a chart whose points start late in the window, like the drift runs, is not stretched back to older events) to
    /// <paramref name="data"/> and <paramref name="layout"/>; none on a chart without points. Returns how many it drew.
    /// </summary>
    public static int Add(IList<ITrace> data, Plotly.Blazor.Layout layout, IReadOnlyList<ChartAnnotation> annotations, IReadOnlyCollection<DateTime> times)
    {
        var from = times.Count == 0 ? (DateTime?)null : TimeAxis.AroundSinglePoint(times)?.From ?? times.Min();
        var shown = from is { } f ? annotations.Where(a => a.At >= f).ToList() : [];
        if (shown.Count == 0)
        {
            return 0;
        }

        layout.YAxis ??= [];
        var axis = $"y{layout.YAxis.Count + 1}";
        layout.YAxis.Add(new YAxis
        {
            Overlaying = "y", Range = [0, 1], Visible = false, FixedRange = true,
        });
        layout.Shapes ??= [];
        foreach (var a in shown)
        {
            layout.Shapes.Add(new Shape
            {
                Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line, YRef = "paper", Y0 = 0, Y1 = 1, X0 = a.At, X1 = a.At,
                Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = Color(a.Kind), Dash = "dot", Width = 1 }, Opacity = 0.6m,
            });
        }

        foreach (var kind in shown.GroupBy(a => a.Kind).OrderBy(g => g.Key))
        {
            data.Add(new Scatter
            {
                Name = Name(kind.Key), X = [.. kind.Select(a => (object)a.At)], Y = [.. kind.Select(_ => (object)0.96)], YAxis = axis,
                Mode = Plotly.Blazor.Traces.ScatterLib.ModeFlag.Markers,
                Marker = new Plotly.Blazor.Traces.ScatterLib.Marker { Symbol = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum.TriangleDown, Size = 10, Color = Color(kind.Key) },
                HoverTextArray = [.. kind.Select(a => $"{a.Text}<br>{a.At:yyyy-MM-dd HH:mm} UTC")],
                HoverInfo = Plotly.Blazor.Traces.ScatterLib.HoverInfoFlag.Text,
                LegendGroup = "annotations",
            });
        }

        return shown.Count;
    }
}
