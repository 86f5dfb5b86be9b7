using Portal.Data.Entities.Jobs;
using Bunit;
using Portal.Web.Components.Charts;
using Portal.Web.Features.Dashboards;
using Portal.Web.Features.Fairness;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Tests.Fairness;

/// <summary>Stored fairness results → disparity chart (mapping class and the Plotly component).</summary>
public sealed class FairnessChartsTests : MudComponentTests
{
    private static readonly DateTime T0 = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    private static readonly FairnessPoint[] History =
    [
        new(T0.AddMinutes(15), "selectionRate", 0.6, true),
        new(T0, "selectionRate", 0.9, false),
        new(T0, "accuracy", 0.95, false),
        new(T0.AddMinutes(15), "accuracy", 0.93, false),
        new(T0, "truePositiveRate", 0.5, true),
        new(T0, "falsePositiveRate", null, false),
    ];

    [Fact]
    public void Mapping_gives_one_line_per_charted_metric_in_time_order_with_flagged_points_red()
    {
        var figure = FairnessCharts.Disparities(History, 0.8);

        Assert.Equal(0.8, figure.Threshold);
        Assert.Equal(["accuracy", "selectionRate", "falsePositiveRate"], figure.Lines.Select(l => l.Metric));
        var selection = figure.Lines[1];
        Assert.Equal("selection rate", selection.Name);
        Assert.Equal([T0, T0.AddMinutes(15)], selection.Times);
        Assert.Equal([0.9, 0.6], selection.Ratios);
        Assert.Equal([selection.Color, ChartColors.Bad], selection.MarkerColors);
        Assert.Equal([(double?)null], figure.Lines[2].Ratios);
        Assert.Null(figure.XRange);
        Assert.Empty(FairnessCharts.Disparities([], 0.8).Lines);

        // One run so far: the axis spans the hour that ends with it (not half an hour into the future).
        var single = FairnessCharts.Disparities(History.Where(p => p.At == T0), 0.8);
        Assert.Equal((T0.AddHours(-1), T0.AddSeconds(36)), single.XRange);
    }

    [Fact]
    public void Lowest_group_per_metric_comes_from_each_ratio_that_could_be_computed()
    {
        FairnessDisparity[] disparities =
        [
            new("accuracy", 0.9, "B", "A", false),
            new("selectionRate", 0.6, "C", "A", true),
            new("falsePositiveRate", null, null, null, false),
        ];

        var lowest = FairnessCharts.LowestByMetric(disparities);
        Assert.Equal(["accuracy", "selectionRate"], lowest.Keys.Order());
        Assert.Equal("B", lowest["accuracy"].LowestGroup);
        Assert.True(lowest["selectionRate"].Flagged);
        Assert.Equal("C", lowest["selectionRate"].LowestGroup);
    }

    [Theory]
    [InlineData("15m", "1h")]
    [InlineData("1h", "1h")]
    [InlineData("6h", "1d")]
    [InlineData("24h", "1d")]
    [InlineData("7d", "7d")]
    [InlineData("30d", "7d")]
    public void Dashboard_window_maps_to_the_nearest_fairness_window(string dashboard, string fairness) =>
        Assert.Equal(fairness, JobWindows.Name(FairnessCharts.WindowFor(DashboardWindow.Parse(dashboard))));

    [Fact]
    public void Disparity_chart_draws_the_lines_red_markers_and_the_threshold_line()
    {
        var figure = FairnessCharts.Disparities(History, 0.8);
        var cut = Context.Render<DisparityChart>(p => p.Add(c => c.Figure, figure));

        var chart = cut.Instance;
        Assert.Equal(4, chart.Traces.Count); // the lines and the threshold's legend entry
        var selection = Assert.IsType<Plotly.Blazor.Traces.Scatter>(chart.Traces[1]);
        Assert.Equal("selection rate", selection.Name);
        Assert.Equal([0.9, 0.6], selection.Y.Cast<double?>());
        Assert.Equal([ChartColors.Secondary, ChartColors.Bad], ((IEnumerable<object>)selection.Marker.Color).Cast<string>());
        var threshold = Assert.Single(chart.PlotLayout.Shapes);
        Assert.Equal(0.8, Convert.ToDouble(threshold.Y0));
        Assert.Equal("threshold 0.8", Assert.IsType<Plotly.Blazor.Traces.Scatter>(chart.Traces[^1]).Name);
        Assert.Equal(1, chart.Builds);

        cut.Render(p => p.Add(c => c.Figure, figure));
        Assert.Equal(1, chart.Builds);
    }
}
