using Bunit;
using Portal.Data.Rollups;
using Portal.Web.Components.Charts;
using Portal.Web.Features.Dashboards;
using Portal.Web.Features.Drift;
using Portal.Web.Features.Ingestion;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Tests.Dashboards;

/// <summary>Data → chart mapping of the dashboards, and the chart components' redraw rule (bUnit).</summary>
public sealed class DashboardChartsTests : MudComponentTests
{
    private static readonly DateTime T0 = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Requests_chart_overlays_last_week_dashed()
    {
        var traffic = CardsTests.Traffic(30, 20, 2) with { Times = [T0, T0.AddMinutes(1)], Requests = [10, 20], LastWeekRequests = [5, 15] };

        var figure = DashboardCharts.Requests(traffic);

        Assert.Equal([T0, T0.AddMinutes(1)], figure.Times);
        Assert.Equal([10.0, 20.0], figure.Series[0].Values);
        Assert.Equal([5.0, 15.0], figure.Series[1].Values);
        Assert.Equal(SeriesStyle.DashedLine, figure.Series[1].Style);
    }

    [Fact]
    public void Latency_chart_has_three_percentiles_and_the_slo_bound_as_threshold()
    {
        var traffic = CardsTests.Traffic(30, 20, 2) with { Times = [T0], P50s = [5], P95s = [9], P99s = [null], Slo = new LatencySlo("fast", 250, 99, null, null) };

        var figure = DashboardCharts.Latency(traffic);

        Assert.Equal(["p50", "p95", "p99"], figure.Series.Select(s => s.Name));
        Assert.Equal([null], figure.Series[2].Values);
        Assert.Equal(250, figure.Threshold);
        Assert.Equal("SLO bound 250 ms", figure.ThresholdLabel);
    }

    [Fact]
    public void Confusion_matrix_puts_actual_in_rows_and_predicted_in_columns_with_row_shares_for_any_number_of_classes()
    {
        var matrix = ConfusionMatrix.From([("cat", "cat", 6), ("cat", "dog", 2), ("dog", "dog", 3), ("dog", "cat", 1), ("bird", "cat", 4)]);

        var figure = DashboardCharts.ConfusionMatrix(matrix);

        Assert.Equal(["bird", "cat", "dog"], figure.Y);
        Assert.Equal(["bird", "cat", "dog"], figure.X);
        Assert.Equal("actual class", figure.YTitle);
        Assert.Equal("predicted class", figure.XTitle);
        Assert.Equal([0.0, 1.0, 0.0], figure.Z[0]);
        Assert.Equal([0.0, 0.75, 0.25], figure.Z[1]);
        Assert.Equal("6<br>75.0 %", figure.Text![1][1]);
        Assert.Equal("0", figure.Text[0][0]);
        Assert.Equal("actual cat → predicted dog<br>2 of 8 (25.0 % of actual cat)", figure.Hover![1][2]);
        Assert.Equal((0.0, 1.0), (figure.ZMin, figure.ZMax));
    }

    [Fact]
    public void Confusion_matrix_orders_numeric_classes_by_value_and_sums_classes_past_the_cap_as_other()
    {
        var pairs = Enumerable.Range(0, ConfusionMatrix.MaxClasses + 3).Select(i => ($"{i}", $"{i}", (long)(100 - i))).ToList();
        pairs.Add(("2", "10", 5));
        pairs.Add((Portal.Data.Entities.ConfusionRollup.Other, "1", 7));

        var matrix = ConfusionMatrix.From(pairs);

        Assert.Equal([.. Enumerable.Range(0, ConfusionMatrix.MaxClasses).Select(i => $"{i}"), ConfusionMatrix.OtherLabel], matrix.Classes);
        Assert.Equal(5, matrix.Counts[2][10]);
        var other = matrix.Classes.Count - 1;
        Assert.Equal((100 - 12) + (100 - 13) + (100 - 14), matrix.Counts[other][other]);
        Assert.Equal(7, matrix.Counts[other][1]);
        Assert.Equal(pairs.Sum(p => p.Item3), matrix.Total);
    }

    [Fact]
    public void Confusion_panel_draws_the_heat_map_with_class_labels_or_says_when_it_appears()
    {
        var empty = Context.Render<ConfusionMatrixPanel>(p => p.Add(c => c.Matrix, ConfusionMatrix.From([])));
        Assert.Contains("Appears with the first labels", empty.Markup);

        var cut = Context.Render<ConfusionMatrixPanel>(p => p.Add(c => c.Matrix, ConfusionMatrix.From([("a", "a", 3), ("b", "a", 1), ("c", "c", 2)])));

        Assert.Contains("Confusion matrix (6 labelled)", cut.Markup);
        var heatmap = Assert.IsType<Plotly.Blazor.Traces.HeatMap>(Assert.Single(cut.FindComponent<HeatmapChart>().Instance.Traces));
        Assert.Equal(["a", "b", "c"], heatmap.X.Cast<string>());
        Assert.Equal(["a", "b", "c"], heatmap.Y.Cast<string>());
        Assert.Equal("%{hovertext}<extra></extra>", heatmap.HoverTemplate);
        Assert.Equal("3<br>100.0 %", ((IList<string>)heatmap.Text[0])[0]);
    }

    [Fact]
    public void Confidence_histogram_gives_shares_of_the_scored_predictions_per_bin()
    {
        var view = Quality(scoreBins: [.. Enumerable.Range(0, 20).Select(i => i == 19 ? 3L : i == 0 ? 1L : 0L)], scoreCount: 4);

        var figure = DashboardCharts.ConfidenceHistogram(view);

        Assert.Equal(20, figure.Labels.Count);
        Assert.Equal("0.95", figure.Labels[^1]);
        Assert.Equal(0.75, figure.Series[0].Values[^1]);
        Assert.Equal(1.0, figure.Series[0].Values.Sum()!.Value, 12);
    }

    [Fact]
    public void Class_distribution_stacks_one_area_per_class()
    {
        var view = Quality() with { Classes = ["1", "0"], ClassCounts = [[3, 4], [1, 0]], Times = [T0, T0.AddMinutes(1)] };

        var figure = DashboardCharts.PredictionDistribution(view);

        Assert.Equal(["1", "0"], figure.Series.Select(s => s.Name));
        Assert.All(figure.Series, s => Assert.Equal(SeriesStyle.StackedArea, s.Style));
        Assert.Equal([3.0, 4.0], figure.Series[0].Values);
    }

    [Fact]
    public void Rolling_metrics_sum_the_trailing_buckets()
    {
        Assert.Equal([1L, 3, 5, 7], QualityDashboard.Rolling([1, 2, 3, 4], 2));
        Assert.Equal([1L, 2, 3, 4], QualityDashboard.Rolling([1, 2, 3, 4], 1));
    }

    [Fact]
    public void Feature_strengths_put_p_values_and_distances_on_one_scale()
    {
        var bars = DashboardCharts.FeatureStrengths(
        [
            new FeatureDriftScore("age", "ks", 0.0025, 0.05, true, Portal.Data.Entities.Jobs.DriftSeverity.Warning, 0.5),
            new FeatureDriftScore("income", "wasserstein", 0.05, 0.1, false, Portal.Data.Entities.Jobs.DriftSeverity.None, 0.2),
            new FeatureDriftScore("city", "psi", null, 0.1, false, Portal.Data.Entities.Jobs.DriftSeverity.None, 0.1),
        ]);

        Assert.Equal(Math.Log(0.0025) / Math.Log(0.05), bars[0].Strength, 12);
        Assert.Equal(0.5, bars[1].Strength, 12);
        Assert.Equal(0, bars[2].Strength);
        Assert.Contains("no verdict", bars[2].Hover);
    }

    [Fact]
    public void Sketch_overlay_of_numbers_gives_shares_over_common_bins()
    {
        var reference = new LogHistogram();
        var current = new LogHistogram();
        foreach (var v in new[] { 10.0, 11, 12, 13 })
        {
            reference.Add(v);
        }

        foreach (var v in new[] { 12.0, 30, 31, 32, 33 })
        {
            current.Add(v);
        }

        var overlay = DriftCharts.Overlay(reference, current, maxBins: 10);

        Assert.Equal(10, overlay.Labels.Count);
        Assert.Equal(1, overlay.Reference.Sum(), 12);
        Assert.Equal(1, overlay.Current.Sum(), 12);
        Assert.Equal(1, overlay.Reference[..2].Sum(), 12);     // 10…13 in the lowest bins
        Assert.Equal(0.8, overlay.Current[8..].Sum(), 12);     // 30…33 in the highest
        Assert.False(overlay.Categorical);
    }

    [Fact]
    public void Sketch_overlay_of_categories_orders_by_combined_share()
    {
        var overlay = DriftCharts.Overlay(new Dictionary<string, long> { ["DE"] = 6, ["FR"] = 4 }, new Dictionary<string, long> { ["DE"] = 1, ["PL"] = 9 });

        Assert.Equal(["PL", "DE", "FR"], overlay.Labels);
        Assert.Equal([0.0, 0.6, 0.4], overlay.Reference);
        Assert.Equal([0.9, 0.1, 0.0], overlay.Current);
    }

    [Fact]
    public void Resource_chart_has_one_series_per_host_that_reported_the_metric()
    {
        var view = new ResourceView([T0],
        [
            new HostSeries("gpu-1", true, false, [50], [40], [1e9], [80], [2e9], null),
            new HostSeries("portal:vm", false, true, [5], [1], [3e8], [null], [null], null),
        ], null);

        Assert.Equal(["gpu-1", "portal:vm"], DashboardCharts.Resource(view, ResourceMetric.Cpu).Series.Select(s => s.Name));
        Assert.Equal(["gpu-1"], DashboardCharts.Resource(view, ResourceMetric.Gpu).Series.Select(s => s.Name));
        Assert.True(view.Hosts[0].HasGpu);
        Assert.False(view.Hosts[1].HasGpu);
    }

    [Fact]
    public void An_axis_without_points_spans_zero_to_one_and_an_axis_with_points_scales_itself()
    {
        var figure = new TimeSeriesFigure([T0, T0.AddMinutes(1)],
            [new Series("accuracy", [null, null]), new Series("labelled", [0.0, 0.0], Style: SeriesStyle.Bars, SecondAxis: true)], "accuracy", ".0%", Y2Title: "labelled");
        var cut = Context.Render<TimeSeriesChart>(p => p.Add(c => c.Figure, figure));

        Assert.Equal([0, 1], cut.Instance.PlotLayout.YAxis[0].Range!.Cast<int>());
        Assert.Null(cut.Instance.PlotLayout.YAxis[1].Range);

        cut.Render(p => p.Add(c => c.Figure, figure with { Series = [new Series("accuracy", [0.9, null])] }));
        Assert.Null(cut.Instance.PlotLayout.YAxis[0].Range);
    }

    [Fact]
    public void A_threshold_is_named_in_the_legend_not_by_a_label_drawn_over_the_data()
    {
        var latency = new TimeSeriesFigure([T0, T0.AddMinutes(1)], [new Series("p99", [240.0, 252.0])], "ms", Threshold: 250, ThresholdLabel: "SLO bound 250 ms");
        var cut = Context.Render<TimeSeriesChart>(p => p.Add(c => c.Figure, latency));

        var line = Assert.Single(cut.Instance.PlotLayout.Shapes);
        Assert.Equal(250, Convert.ToDouble(line.Y0));
        Assert.Null(line.Label);
        var entry = Assert.IsType<Plotly.Blazor.Traces.Scatter>(cut.Instance.Traces[^1]);
        Assert.Equal("SLO bound 250 ms", entry.Name);
        Assert.Equal("dash", entry.Line.Dash);
        Assert.All(entry.Y, y => Assert.Null(y));
        Assert.True(cut.Instance.PlotLayout.ShowLegend);
        // The legend sits wholly above the plot, where it covers neither the line nor the data.
        Assert.Equal(Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom, cut.Instance.PlotLayout.Legend[0].YAnchor);
        Assert.Equal(ChartThreshold.TopMarginForLegend, cut.Instance.PlotLayout.Margin.T);
    }

    [Fact]
    public void A_single_run_is_drawn_on_the_hour_that_ends_with_it_not_running_into_the_future()
    {
        var one = new TimeSeriesFigure([T0], [new Series("drifted share", [0.2])], "share");
        var cut = Context.Render<TimeSeriesChart>(p => p.Add(c => c.Figure, one));

        var range = cut.Instance.PlotLayout.XAxis[0].Range!.Cast<DateTime>().ToList();
        Assert.Equal(T0.AddHours(-1), range[0]);
        Assert.InRange(range[1], T0, T0.AddMinutes(1));   // room for the marker only
        Assert.Null(TimeAxis.Range([T0, T0.AddMinutes(15)]));
        Assert.Null(TimeAxis.Range([]));
    }

    [Fact]
    public void Analyses_milliseconds_apart_get_an_hour_of_axis_so_ticks_are_never_sub_second()
    {
        var at = T0.AddSeconds(3);
        var cut = Context.Render<Portal.Web.Features.Experiments.LiftChart>(p => p.Add(c => c.Series,
            [new Portal.Web.Features.Experiments.ExperimentCharts.LiftSeries("B", [at, at.AddTicks(5000)], [0.01, 0.02], [0.0, 0.0], [0.02, 0.04])]));

        var axis = cut.Instance.PlotLayout.XAxis[0];
        Assert.Equal(Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Date, axis.Type);
        var range = axis.Range!.Cast<DateTime>().ToList();
        Assert.True(range[1] - range[0] >= TimeSpan.FromHours(1), $"{range[0]:O} – {range[1]:O}");
    }

    [Fact]
    public void Heat_map_rows_get_a_left_margin_that_fits_their_longest_label()
    {
        var shortRows = Context.Render<HeatmapChart>(p => p.Add(c => c.Figure, new HeatmapFigure(["r1"], ["a"], [[1.0]], null, "Blues")));
        var longRows = Context.Render<HeatmapChart>(p => p.Add(c => c.Figure, new HeatmapFigure(["r1"], ["merchant_category", "a"], [[1.0], [2.0]], null, "Blues")));

        Assert.Equal(56, shortRows.Instance.PlotLayout.Margin.L);
        Assert.True(longRows.Instance.PlotLayout.Margin.L >= "merchant_category".Length * 7, $"{longRows.Instance.PlotLayout.Margin.L}");
        Assert.Equal(Plotly.Blazor.LayoutLib.YAxisLib.AutoMarginFlag.True, longRows.Instance.PlotLayout.YAxis[0].AutoMargin);
    }

    [Fact]
    public void Bar_chart_tick_labels_grow_the_margins_instead_of_being_cut_off()
    {
        var cut = Context.Render<BarChart>(p => p.Add(c => c.Figure, new BarFigure(["0.0–0.1", "0.1–0.2"], [new Series("count", [108.0, 76.0], ChartColors.Primary)], "score")));

        Assert.Equal(Plotly.Blazor.LayoutLib.XAxisLib.AutoMarginFlag.True, cut.Instance.PlotLayout.XAxis[0].AutoMargin);
        Assert.Equal(Plotly.Blazor.LayoutLib.YAxisLib.AutoMarginFlag.True, cut.Instance.PlotLayout.YAxis[0].AutoMargin);
    }

    [Theory]
    [InlineData(new[] { 1e-16, 2e-16, 1.5e-16 }, -1e-3, 1e-3)]     // PCA error of two features: rounding noise around 0
    [InlineData(new[] { 0.857, 0.857, 0.857 }, 0.857 * 0.9, 0.857 * 1.1)]
    public void A_degenerate_series_gets_a_fixed_range_instead_of_magnified_noise(double[] values, double from, double to)
    {
        var range = TimeAxis.DegenerateRange(values.Select(v => (double?)v))!.Cast<double>().ToList();

        Assert.Equal(from, range[0], 12);
        Assert.Equal(to, range[1], 12);
        Assert.Null(TimeAxis.DegenerateRange([0.1, 0.2, null]));
        Assert.Null(TimeAxis.DegenerateRange([null]));
    }

    [Fact]
    public void Time_series_chart_builds_one_trace_per_series_and_redraws_only_for_a_new_figure()
    {
        var figure = new TimeSeriesFigure([T0, T0.AddMinutes(1)], [new Series("p50", [1.0, null]), new Series("labelled", [3.0, 4.0], Style: SeriesStyle.Bars, SecondAxis: true)], "ms", Y2Title: "labelled");
        var cut = Context.Render<TimeSeriesChart>(p => p.Add(c => c.Figure, figure));

        var chart = cut.Instance;
        Assert.Equal(2, chart.Traces.Count);
        var line = Assert.IsType<Plotly.Blazor.Traces.Scatter>(chart.Traces[0]);
        Assert.Equal([1.0, null], line.Y.Cast<double?>());
        var bars = Assert.IsType<Plotly.Blazor.Traces.Bar>(chart.Traces[1]);
        Assert.Equal("y2", bars.YAxis);
        Assert.Equal(2, chart.PlotLayout.YAxis.Count);
        Assert.Equal(1, chart.Builds);

        cut.Render(p => p.Add(c => c.Figure, figure));
        Assert.Equal(1, chart.Builds);

        cut.Render(p => p.Add(c => c.Figure, figure with { Series = [new Series("p50", [2.0, 3.0])] }));
        Assert.Equal(2, chart.Builds);
        Assert.Single(chart.Traces);
    }

    [Fact]
    public void Heatmap_chart_writes_the_cell_texts()
    {
        var cut = Context.Render<HeatmapChart>(p => p.Add(c => c.Figure, new HeatmapFigure(["a", "b"], ["x"], [[1.0, null]], [["1", ""]], "Blues")));

        var heatmap = Assert.IsType<Plotly.Blazor.Traces.HeatMap>(Assert.Single(cut.Instance.Traces));
        Assert.Equal("%{text}", heatmap.TextTemplate);
        Assert.Equal(2, heatmap.X.Count);
    }

    private static QualityView Quality(long[]? scoreBins = null, long scoreCount = 0) => new(
        false, [T0], TimeSpan.FromMinutes(5), [], [], [null], scoreBins ?? new long[20], scoreCount, null, 0, 0, null, [null],
        new QualityStats(), [], [null], []);
}
