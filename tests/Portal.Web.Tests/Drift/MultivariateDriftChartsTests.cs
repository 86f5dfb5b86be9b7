using Bunit;
using Portal.Web.Features.Drift;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Drift;

public sealed class MultivariateDriftChartsTests : MudComponentTests
{
    private static readonly DateTime T0 = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);

    private static readonly MultivariatePoint[] Points =
    [
        new(T0, 0.30, 0.25, 0.35, false, 1, 0.001, 0.40, false, null),
        new(T0.AddHours(1), null, null, null, null, null, null, null, null, "not computed: needs a reference dataset"),
        new(T0.AddHours(2), 0.80, 0.25, 0.35, true, 1, 0.09, 0.005, true, null),
    ];

    [Fact]
    public void Reconstruction_figure_shades_the_band_and_marks_only_runs_outside_it()
    {
        var figure = MultivariateDriftCharts.Reconstruction(Points);

        Assert.Equal([0.30, null, 0.80], figure.Values);
        Assert.Equal([0.25, null, 0.25], figure.Lower);
        Assert.Equal([0.35, null, 0.35], figure.Upper);
        Assert.True(figure.HasBand);
        Assert.Equal([T0.AddHours(2)], figure.DriftTimes);
        Assert.Equal([0.80], figure.DriftValues);
        Assert.Null(figure.Threshold);
    }

    [Fact]
    public void Mmd_figure_draws_the_alpha_line_on_a_log_axis_and_marks_runs_below_it()
    {
        var figure = MultivariateDriftCharts.MmdPValue(Points, 0.05);

        Assert.Equal([0.40, null, 0.005], figure.Values);
        Assert.False(figure.HasBand);
        Assert.Equal(0.05, figure.Threshold);
        Assert.Equal("alpha 0.05", figure.ThresholdLabel);
        Assert.True(figure.LogY);
        Assert.Equal([0.005], figure.DriftValues);
    }

    [Fact]
    public void Current_values_explain_themselves_and_a_run_without_results_has_none()
    {
        var facts = MultivariateDriftCharts.Current(Points[2], 0.05);

        Assert.Equal(["PCA reconstruction error", "MMD p-value"], facts.Select(f => f.Label));
        Assert.Equal("0.8", facts[0].Value);
        Assert.True(facts[0].Drift);
        Assert.Contains("Outside the reference band 0.25–0.35", facts[0].Explanation);
        Assert.Equal("0.005", facts[1].Value);
        Assert.Contains("Below alpha 0.05", facts[1].Explanation);
        Assert.Contains("Within the reference band", MultivariateDriftCharts.Current(Points[0], 0.05)[0].Explanation);
        Assert.Empty(MultivariateDriftCharts.Current(Points[1], 0.05));
        Assert.Empty(MultivariateDriftCharts.Current(null, 0.05));
    }

    [Fact]
    public void Chart_fills_the_band_between_its_edges_and_draws_the_drift_markers()
    {
        var cut = Context.Render<MultivariateDriftChart>(p => p.Add(c => c.Figure, MultivariateDriftCharts.Reconstruction(Points)));

        var traces = cut.Instance.Traces.Cast<Plotly.Blazor.Traces.Scatter>().ToList();
        Assert.Equal(["band low", "reference band", "reconstruction error", "drift"], traces.Select(t => t.Name));
        Assert.Equal(Plotly.Blazor.Traces.ScatterLib.FillEnum.ToNextY, traces[1].Fill);
        Assert.Equal([0.80], traces[3].Y.Cast<double>());

        var mmd = Context.Render<MultivariateDriftChart>(p => p.Add(c => c.Figure, MultivariateDriftCharts.MmdPValue(Points, 0.05)));
        Assert.Equal(3, mmd.Instance.Traces.Count); // no band; the threshold's legend entry
        Assert.Equal(Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Log, mmd.Instance.PlotLayout.YAxis[0].Type);
        Assert.Single(mmd.Instance.PlotLayout.Shapes);
    }
}
