using System.Globalization;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Plotly.Blazor;
using Plotly.Blazor.Interop;
using Plotly.Blazor.Traces;
using Portal.Data;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Experiments;
using Portal.Data.Entities.Jobs;
using Portal.Web.Components.Charts;
using Portal.Web.Features.Dashboards;
using Portal.Web.Features.Models;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Dashboards;

/// <summary>An absolute time range (<c>from</c>/<c>to</c>, as Grafana's), set by the form or by a drag on a chart.</summary>
public sealed class TimeRangeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-12-04T10:00Z", "2026-12-04T11:30Z")]
    [InlineData("2026-12-04T10:00:00+00:00", "2026-12-04 11:30")]        // an offset, and a Plotly axis time (UTC)
    [InlineData("2026-12-04T11:00:00+01:00", "2026-12-04T11:30:45.5Z")]  // converted to UTC; seconds dropped to the minute
    [InlineData("1796378400000", "1796383800000")]                        // Unix milliseconds, as Grafana writes them
    public void From_and_to_in_the_address_make_an_absolute_window(string from, string to)
    {
        var window = DashboardWindow.FromQuery("6h", from, to, Now, out var error);

        Assert.Null(error);
        Assert.True(window.IsAbsolute);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero), window.StartAt(Now));
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 11, 30, 0, TimeSpan.Zero), window.EndAt(Now));
        Assert.Equal("4 Dec 10:00 – 11:30 UTC", window.Label);
        Assert.Equal("4 Dec 10:00 – 11:30 UTC", window.Phrase);
        Assert.Equal(TimeSpan.FromMinutes(1), window.Bucket);
        var range = window.At(Now);
        Assert.Equal(window.EndAt(Now).ToUnixTimeMilliseconds(), range.ToMs);   // not now
        Assert.Equal(91, range.Buckets);
    }

    [Theory]
    [InlineData("2026-12-04T10:00Z", null, "both 'from' and 'to'")]
    [InlineData("yesterday", "2026-12-04T11:00Z", "ISO 8601")]
    [InlineData("2026-12-04T11:00Z", "2026-12-04T10:00Z", "at least a minute after")]
    [InlineData("2026-12-04T10:00:10Z", "2026-12-04T10:00:50Z", "at least a minute after")]
    [InlineData("2026-10-01T00:00Z", "2026-12-04T00:00Z", "longer than 30 days")]
    [InlineData("1999-12-31T00:00Z", "1999-12-31T06:00Z", "between the year 2000 and tomorrow")]
    [InlineData("2026-12-06T00:00Z", "2026-12-06T06:00Z", "between the year 2000 and tomorrow")]
    [InlineData("99999999999999999", "1796383800000", "ISO 8601")]
    public void A_bad_range_says_why_and_falls_back_to_the_preset(string? from, string? to, string why)
    {
        var window = DashboardWindow.FromQuery("6h", from, to, Now, out var error);

        Assert.Contains(why, error);
        Assert.Equal("6h", window.Key);
        Assert.False(window.IsAbsolute);
    }

    [Fact]
    public void A_preset_ends_now_and_a_range_across_days_names_both_days()
    {
        var preset = DashboardWindow.FromQuery("6h", null, "", Now, out var error);
        Assert.Null(error);
        Assert.Equal(Now, preset.EndAt(Now));
        Assert.Equal("the last 6 hours", preset.Phrase);

        Assert.Equal("3 Dec 22:00 – 4 Dec 02:00 UTC", DashboardWindow.Between(Now.AddHours(-14).AddMinutes(-0.5), Now.AddHours(-10).AddMinutes(-0.5)).Label);
    }
}

/// <summary>Annotations on the time charts, and the drag that sets the range, on a real portal (in memory).</summary>
public sealed class ChartAnnotationTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private readonly BunitContext context = new();
    private HttpClient client = default!;

    public Task InitializeAsync()
    {
        client = factory.CreateApiClient();
        context.UsePortal(factory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await context.DisposeAsync();
        factory.Dispose();
    }

    [Fact]
    public async Task Annotations_are_the_windows_version_starts_drift_verdicts_alerts_and_experiments()
    {
        var now = DateTime.UtcNow;
        await CreateModelAsync(client, "annotated");
        await PostOkAsync(client, "/api/v1/models/annotated/predictions", Predictions("v1", now.AddMinutes(-200), 0, 3));
        await PostOkAsync(client, "/api/v1/models/annotated/predictions", Predictions("v2", now.AddMinutes(-55), 3, 3));
        await SeedAsync(now);

        var window = DashboardWindow.Between(now.AddMinutes(-70), now.AddMinutes(-25));
        var annotations = await factory.Services.GetRequiredService<ModelAnnotations>().LoadAsync(await ModelIdAsync(), window, null);

        // v1 started before the window; the drift run at −80 min, the alert's resolution at −20 and the experiment's stop at −10 lie outside it.
        Assert.Equal(
        [
            (AnnotationKind.DriftDetected, "Drift run: 2 of 4 features drifted, severity warning", -60),
            (AnnotationKind.VersionStarted, "Version v2 started serving", -55),
            (AnnotationKind.ExperimentStarted, "Experiment started: New ranker", -50),
            (AnnotationKind.DriftCleared, "Drift run: no drift any more", -40),
            (AnnotationKind.AlertFiring, "Alert firing: Error rate high (critical)", -30),
        ],
        annotations.Select(a => (a.Kind, a.Text, (int)Math.Ceiling((a.At - now).TotalMinutes))).ToList());   // a version's start is its first rollup minute: up to 59 s early
        Assert.All(annotations, a => Assert.Equal(DateTimeKind.Utc, a.At.Kind));

        var later = await factory.Services.GetRequiredService<ModelAnnotations>().LoadAsync(await ModelIdAsync(), DashboardWindow.Parse("1h"), null);
        // The last hour: the run at −40 clears the drift of the run at −60, which lies just before it.
        Assert.Equal(
            [AnnotationKind.VersionStarted, AnnotationKind.ExperimentStarted, AnnotationKind.DriftCleared, AnnotationKind.AlertFiring, AnnotationKind.AlertResolved, AnnotationKind.ExperimentStopped],
            later.Select(a => a.Kind).ToList());
    }

    [Fact]
    public async Task An_absolute_window_counts_only_its_own_predictions()
    {
        var now = DateTime.UtcNow;
        await CreateModelAsync(client, "ranged");
        await PostOkAsync(client, "/api/v1/models/ranged/predictions", Predictions("v1", now.AddMinutes(-90), 0, 4));
        await PostOkAsync(client, "/api/v1/models/ranged/predictions", Predictions("v1", now.AddMinutes(-30), 4, 7));
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("ranged"))!;
        var dashboard = factory.Services.GetRequiredService<HealthDashboard>();

        Assert.Equal(4, (await dashboard.LoadTrafficAsync(model, DashboardWindow.Between(now.AddMinutes(-100), now.AddMinutes(-80)), null)).Predictions);
        Assert.Equal(7, (await dashboard.LoadTrafficAsync(model, DashboardWindow.Between(now.AddMinutes(-40), now.AddMinutes(-20)), null)).Predictions);
        Assert.Equal(11, (await dashboard.LoadTrafficAsync(model, DashboardWindow.Parse("6h"), null)).Predictions);
    }

    [Fact]
    public void A_time_chart_draws_each_annotation_as_a_line_and_a_hover_marker_and_zooms_only_along_time()
    {
        var t0 = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc);
        var figure = new TimeSeriesFigure([.. Enumerable.Range(0, 60).Select(i => t0.AddMinutes(i))], [new Series("requests", [.. Enumerable.Range(0, 60).Select(i => (double?)i)])], "per minute");
        (DateTimeOffset From, DateTimeOffset To)? zoomed = null;
        var time = new ChartTimeContext(
        [
            new ChartAnnotation(t0.AddMinutes(-5), AnnotationKind.VersionStarted, "before the chart"),
            new ChartAnnotation(t0.AddMinutes(10), AnnotationKind.AlertFiring, "Alert firing: p99"),
            new ChartAnnotation(t0.AddMinutes(20), AnnotationKind.AlertResolved, "Alert resolved: p99"),
            new ChartAnnotation(t0.AddMinutes(30), AnnotationKind.AlertFiring, "Alert firing: errors"),
        ], (from, to) => { zoomed = (from, to); return Task.CompletedTask; });

        var cut = context.Render<CascadingValue<ChartTimeContext>>(p => p.Add(c => c.Value, time)
            .AddChildContent<TimeSeriesChart>(c => c.Add(x => x.Figure, figure)));
        var chart = cut.FindComponent<TimeSeriesChart>().Instance;

        var firing = Assert.IsType<Scatter>(chart.Traces.Single(t => t is Scatter { Name: "alert firing" }));
        Assert.Equal([t0.AddMinutes(10), t0.AddMinutes(30)], firing.X.Cast<DateTime>().ToList());
        Assert.Equal(["Alert firing: p99<br>2026-12-04 10:10 UTC", "Alert firing: errors<br>2026-12-04 10:30 UTC"], firing.HoverTextArray);
        Assert.Single(chart.Traces, t => t is Scatter { Name: "alert resolved" });
        Assert.DoesNotContain(chart.Traces, t => t is Scatter { Name: "version started" });   // before the chart's first point
        Assert.Equal(3, chart.PlotLayout.Shapes.Count(s => s.YRef == "paper"));
        Assert.Equal(firing.YAxis, $"y{chart.PlotLayout.YAxis.Count}");
        Assert.True(chart.PlotLayout.ShowLegend);
        Assert.All(chart.PlotLayout.YAxis, y => Assert.True(y.FixedRange));                    // a drag selects time only

        var plotly = cut.FindComponent<PlotlyChart>().Instance;
        plotly.RelayoutAction(new RelayoutEventData { XRange = ["2026-12-04 10:15:23.5", "2026-12-04 10:45"] });
        cut.WaitForAssertion(() => Assert.Equal((new DateTimeOffset(2026, 12, 4, 10, 15, 23, 500, TimeSpan.Zero), new DateTimeOffset(2026, 12, 4, 10, 45, 0, TimeSpan.Zero)), zoomed));

        zoomed = null;
        plotly.RelayoutAction(new RelayoutEventData { XRange = null });                        // a double-click's autorange
        Assert.Null(zoomed);
    }

    [Fact]
    public void A_time_chart_outside_a_model_page_has_no_annotations_and_zooms_freely()
    {
        var t0 = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc);
        var cut = context.Render<TimeSeriesChart>(p => p.Add(c => c.Figure, new TimeSeriesFigure([t0, t0.AddMinutes(1)], [new Series("a", [1, 2])], "y")));

        Assert.Single(cut.Instance.Traces);
        Assert.All(cut.Instance.PlotLayout.YAxis, y => Assert.NotEqual(true, y.FixedRange));
    }

    [Fact]
    public async Task The_model_page_reads_the_range_from_its_address_and_a_drag_writes_it_there()
    {
        var now = DateTime.UtcNow;
        await CreateModelAsync(client, "zoomable");
        await PostOkAsync(client, "/api/v1/models/zoomable/predictions", Predictions("v1", now.AddMinutes(-90), 0, 4));
        await PostOkAsync(client, "/api/v1/models/zoomable/predictions", Predictions("v1", now.AddMinutes(-30), 4, 7));
        var (from, to) = (Iso(now.AddMinutes(-100)), Iso(now.AddMinutes(-80)));

        var cut = OpenModelPage("zoomable", $"?tab=health&from={from}&to={to}");
        var navigation = context.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.StartsWith("4 predictions in ", cut.Find("[data-testid=card-traffic-detail]").TextContent), TimeSpan.FromSeconds(30));
        Assert.Equal(DashboardWindow.AbsoluteKey, cut.Find("#window-select").GetAttribute("value"));

        // A drag across the requests chart: the page's address gets the dragged range, and the cards follow it.
        var requests = cut.FindComponents<PlotlyChart>().Single(c => c.Instance.Id == "chart-requests").Instance;
        var (dragFrom, dragTo) = (now.AddMinutes(-40), now.AddMinutes(-20));
        await cut.InvokeAsync(() => requests.RelayoutAction(new RelayoutEventData { XRange = [Plotly(dragFrom), Plotly(dragTo)] }));
        cut.WaitForAssertion(() => Assert.Contains($"from={Uri.EscapeDataString(Iso(dragFrom))}", navigation.Uri), TimeSpan.FromSeconds(10));
        Assert.Contains($"to={Uri.EscapeDataString(Iso(dragTo))}", navigation.Uri);
        Assert.Contains("tab=health", navigation.Uri);
    }

    [Fact]
    public async Task A_bad_range_in_the_address_is_named_and_the_preset_is_shown()
    {
        await CreateModelAsync(client, "misdated");

        var cut = OpenModelPage("misdated", "?window=15m&from=2026-12-04T11:00Z&to=last-tuesday");

        cut.WaitForAssertion(() => Assert.Contains("ISO 8601", cut.Find("[data-testid=range-error]").TextContent), TimeSpan.FromSeconds(30));
        Assert.Contains("Showing 15 min instead.", cut.Find("[data-testid=range-error]").TextContent);
    }

    [Fact]
    public async Task The_range_form_names_the_field_that_is_wrong()
    {
        await CreateModelAsync(client, "formed");
        var cut = OpenModelPage("formed", "");
        // Until the form shows: on PostgreSQL the page renders again as its tabs load, and a click can land on the
        // button of a render that is already gone.
        cut.WaitForAssertion(() =>
        {
            if (cut.FindAll("#range-form").Count == 0)
            {
                cut.Find("#range-toggle").Click();
            }

            Assert.Single(cut.FindAll("#range-form"));
        }, TimeSpan.FromSeconds(30));

        var fields = cut.FindComponents<MudTextField<string>>();
        var fromField = fields.Single(f => f.Instance.Label == "From (UTC)");
        var toField = fields.Single(f => f.Instance.Label == "To (UTC)");
        await cut.InvokeAsync(() => fromField.Instance.ValueChanged.InvokeAsync("soon"));
        await cut.InvokeAsync(() => toField.Instance.ValueChanged.InvokeAsync("2026-12-04 12:00"));
        cut.Find("#range-apply").Click();

        cut.WaitForAssertion(() => Assert.Contains("A time like 2026-12-04 10:00 (UTC)", cut.Find("#range-form").TextContent));
        Assert.DoesNotContain("A time like 2026-12-04 12:00 (UTC)", cut.Find("#range-form").TextContent);
        Assert.DoesNotContain("from=", context.Services.GetRequiredService<NavigationManager>().Uri);
    }

    private IRenderedComponent<ModelPage> OpenModelPage(string model, string query)
    {
        context.Render<MudPopoverProvider>();
        context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/models/{model}{query}");
        return context.Render<ModelPage>(p => p.Add(x => x.ModelName, model));
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Plotly(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss.ffff", CultureInfo.InvariantCulture);

    private async Task<int> ModelIdAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Models.SingleAsync(m => m.Name == "annotated")).Id;
    }

    /// <summary>Drift runs at −100 (none), −80, −60 (drift), −40 (none: cleared); an alert pending −35, firing −30, resolved −20; an experiment −50 to −10.</summary>
    private async Task SeedAsync(DateTime now)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var modelId = (await db.Models.SingleAsync(m => m.Name == "annotated")).Id;
        foreach (var (minutes, severity) in new[] { (-100, DriftSeverity.None), (-80, DriftSeverity.Warning), (-60, DriftSeverity.Warning), (-40, DriftSeverity.None) })
        {
            var job = new JobRun { JobType = "drift", ModelId = modelId, StartedAt = now.AddMinutes(minutes), Outcome = JobOutcome.Succeeded };
            db.JobRuns.Add(job);
            await db.SaveChangesAsync();
            db.DriftRuns.Add(new DriftRun
            {
                JobRunId = job.Id, ModelId = modelId, At = now.AddMinutes(minutes), WindowStart = now.AddMinutes(minutes - 60), WindowEnd = now.AddMinutes(minutes),
                Baseline = "reference v1", CurrentCount = 500, HasVerdict = true, Features = 4, DriftedFeatures = severity == DriftSeverity.None ? 0 : 2, Severity = severity,
            });
        }

        var rule = new AlertRuleEntity { Name = "Error rate high", ModelId = modelId, Metric = AlertMetric.ErrorRate, Threshold = 0.05, Severity = "critical", Enabled = false };
        db.AlertRules.Add(rule);
        await db.SaveChangesAsync();
        var alert = new AlertRecord { RuleId = rule.Id, ModelId = modelId, Fingerprint = "f", Severity = "critical", State = "Resolved" };
        alert.History.AddRange(
        [
            new AlertStateChange { At = now.AddMinutes(-35), From = "Inactive", To = "Pending", Reason = "value 0.2 > 0.05" },
            new AlertStateChange { At = now.AddMinutes(-30), From = "Pending", To = "Firing", Reason = "value 0.2 > 0.05 for 5m" },
            new AlertStateChange { At = now.AddMinutes(-20), From = "Firing", To = "Resolved", Reason = "value 0.01" },
        ]);
        db.Alerts.Add(alert);
        db.Experiments.Add(new Experiment
        {
            Id = "ranker", Name = "New ranker", ModelId = modelId, UnitType = "user", CreatedBy = "po@test.local", State = ExperimentState.Stopped,
            CreatedAt = now.AddMinutes(-60), StartedAt = now.AddMinutes(-50), StoppedAt = now.AddMinutes(-10),
        });
        await db.SaveChangesAsync();
    }

    /// <summary>The first at <paramref name="at"/>, the rest a second apart: a version's start is its first prediction's minute.</summary>
    private static string Predictions(string version, DateTime at, int from, int count) =>
        "[" + string.Join(',', Enumerable.Range(from, count).Select(i =>
            $$$"""{"predictionId": "p-{{{i}}}", "timestamp": "{{{at.AddSeconds(i - from).ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture)}}}", "modelVersion": "{{{version}}}", "prediction": 1, "score": 0.8, "latencyMs": 15, "features": {"amount": 10, "country": "DE"}}""")) + "]";
}
