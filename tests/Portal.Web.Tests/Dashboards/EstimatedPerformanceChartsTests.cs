using Bunit;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Quality;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Dashboards;

/// <summary>The estimated-performance panel's data mapping and its chart.</summary>
public sealed class EstimatedPerformanceChartsTests : MudComponentTests
{
    private static readonly DateTime T0 = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    private static QualityResult Row(int minutes, double? estimate, double lower = 0.8, double upper = 0.9, long labelled = 0, double? accuracy = null, int scores = 400) => new()
    {
        Window = JobWindow.Hour, At = T0.AddMinutes(minutes), Labelled = labelled, Accuracy = accuracy, F1 = accuracy is null ? null : accuracy - 0.1,
        EstimatedAccuracy = estimate, EstimatedAccuracyLower = estimate is null ? null : lower, EstimatedAccuracyUpper = estimate is null ? null : upper,
        EstimatedF1 = estimate - 0.1, EstimatedF1Lower = 0.7, EstimatedF1Upper = 0.8,
        EstimationScores = estimate is null ? 0 : scores, EstimationCalibrated = estimate is null ? null : true,
        EstimationNote = estimate is null ? "No reference dataset: upload one" : null,
    };

    [Fact]
    public void Figure_has_the_estimate_band_realised_values_where_labelled_and_marks_points_outside_the_band()
    {
        List<QualityResult> rows = [Row(0, 0.85), Row(15, null), Row(30, 0.75, labelled: 100, accuracy: 0.73), Row(45, 0.95, labelled: 10, accuracy: 0.9)];

        var figure = EstimatedPerformanceCharts.Figure(rows, EstimatedPerformanceCharts.Metric("accuracy"));

        Assert.Equal("Accuracy", figure.Metric);
        Assert.Equal([T0, T0.AddMinutes(30), T0.AddMinutes(45)], figure.Times); // the row without an estimate is left out
        Assert.Equal([0.85, 0.75, 0.95], figure.Estimate);
        Assert.Equal([0.8, 0.8, 0.8], figure.Lower);
        Assert.Equal([0.9, 0.9, 0.9], figure.Upper);
        Assert.Equal([null, 0.73, 0.9], figure.Realised);
        Assert.Equal([false, true, true], figure.OutsideBand);
        Assert.False(figure.IsEmpty);

        var f1 = EstimatedPerformanceCharts.Figure(rows, EstimatedPerformanceCharts.Metric("f1"));
        Assert.Equal([0.7, 0.7, 0.7], f1.Lower);
        Assert.Equal(0.63, f1.Realised[1]!.Value, 12);
    }

    [Fact]
    public void Summary_is_the_newest_estimate_with_coverage_and_calibration_and_the_note_explains_a_missing_one()
    {
        List<QualityResult> rows = [Row(0, 0.85), Row(30, 0.75, labelled: 100, accuracy: 0.73)];

        var summary = EstimatedPerformanceCharts.Summary(rows, EstimatedPerformanceCharts.Metric("accuracy"))!;

        Assert.Equal(0.75, summary.Estimate);
        Assert.Equal(0.73, summary.Realised);
        Assert.True(summary.OutsideBand);
        Assert.Equal(0.25, summary.LabelCoverage);
        Assert.Equal("isotonic", summary.Calibration);
        Assert.Null(EstimatedPerformanceCharts.Note(rows));

        List<QualityResult> none = [Row(0, null)];
        Assert.Null(EstimatedPerformanceCharts.Summary(none, EstimatedPerformanceCharts.Metrics[0]));
        Assert.True(EstimatedPerformanceCharts.Figure(none, EstimatedPerformanceCharts.Metrics[0]).IsEmpty);
        Assert.StartsWith("No reference dataset", EstimatedPerformanceCharts.Note(none));
        Assert.Equal("accuracy", EstimatedPerformanceCharts.Metric("unknown").Key);
    }

    [Fact]
    public void Chart_shades_the_band_between_its_bounds_and_marks_only_points_outside_it()
    {
        List<QualityResult> rows = [Row(0, 0.85), Row(30, 0.75, labelled: 100, accuracy: 0.73)];
        var figure = EstimatedPerformanceCharts.Figure(rows, EstimatedPerformanceCharts.Metric("accuracy"));

        var cut = Context.Render<EstimatedPerformanceChart>(p => p.Add(c => c.Figure, figure));

        var traces = cut.Instance.Traces.Cast<Plotly.Blazor.Traces.Scatter>().ToList();
        Assert.Equal(8, traces.Count);
        Assert.Equal([0.9, 0.9], traces[0].Y.Cast<double?>());
        Assert.Equal([0.8, 0.8], traces[1].Y.Cast<double?>());
        Assert.Equal(Plotly.Blazor.Traces.ScatterLib.FillEnum.ToNextY, traces[1].Fill);
        Assert.Equal([0.85, 0.75], traces[2].Y.Cast<double?>());
        Assert.Equal([null, 0.73], traces[3].Y.Cast<double?>());
        Assert.Equal([null, 0.75], traces[4].Y.Cast<double?>());
        Assert.Equal(".1%", cut.Instance.PlotLayout.YAxis[0].TickFormat);
    }

    [Fact]
    public void Realised_range_around_the_estimate_is_mapped_where_labelled_and_marks_realised_values_that_disagree()
    {
        var agrees = Row(30, 0.75, labelled: 100, accuracy: 0.73);
        (agrees.RealisedAccuracyLower, agrees.RealisedAccuracyUpper) = (0.70, 0.80);
        var disagrees = Row(45, 0.85, labelled: 100, accuracy: 0.70);
        (disagrees.RealisedAccuracyLower, disagrees.RealisedAccuracyUpper) = (0.80, 0.90);
        var unlabelled = Row(60, 0.85);
        (unlabelled.RealisedAccuracyLower, unlabelled.RealisedAccuracyUpper) = (0.80, 0.90);
        List<QualityResult> rows = [agrees, disagrees, unlabelled];

        var figure = EstimatedPerformanceCharts.Figure(rows, EstimatedPerformanceCharts.Metric("accuracy"));

        Assert.Equal([0.70, 0.80, null], figure.RealisedLower);
        Assert.Equal([0.80, 0.90, null], figure.RealisedUpper);
        Assert.Equal([false, true, false], figure.RealisedDisagrees);
        var summary = EstimatedPerformanceCharts.Summary(rows[..2], EstimatedPerformanceCharts.Metric("accuracy"))!;
        Assert.Equal((0.80, 0.90, true), (summary.RealisedLower, summary.RealisedUpper, summary.RealisedDisagrees));

        var cut = Context.Render<EstimatedPerformanceChart>(p => p.Add(c => c.Figure, figure));

        var traces = cut.Instance.Traces.Cast<Plotly.Blazor.Traces.Scatter>().ToList();
        Assert.Equal([0.80, 0.90, null], traces[5].Y.Cast<double?>());
        Assert.Equal([0.70, 0.80, null], traces[6].Y.Cast<double?>());
        Assert.Equal(Plotly.Blazor.Traces.ScatterLib.FillEnum.ToNextY, traces[6].Fill);
        Assert.Equal([null, 0.70, null], traces[7].Y.Cast<double?>());
    }
}
