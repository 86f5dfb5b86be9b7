using System.Globalization;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Components.Charts;
using Portal.Web.Features.Dashboards;
using Portal.Web.Realtime;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Features.Models;

namespace Portal.Web.Tests.Dashboards;

/// <summary>The dashboards' data services and tabs on a real portal (in memory) with data sent over REST or seeded job results.</summary>
public sealed class DashboardDataTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private readonly BunitContext context = new();
    private HttpClient client = default!;

    public async Task InitializeAsync()
    {
        client = factory.CreateApiClient();
        context.UsePortal(factory);
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await context.DisposeAsync();
        factory.Dispose();
    }

    [Fact]
    public async Task Health_tab_renders_from_rollups_and_reloads_only_the_part_a_change_concerns()
    {
        await CreateModelAsync(client, "live");
        await PostOkAsync(client, "/api/v1/models/live/predictions", Predictions(0, 3, errors: 1));
        await PostOkAsync(client, "/api/v1/models/live/feedback", """[{"predictionId": "p-1", "label": 1}, {"predictionId": "p-2", "label": 1}]""");
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("live"))!;

        var cut = context.Render<HealthTab>(p => p.Add(t => t.Model, model).Add(t => t.Window, DashboardWindow.Default));

        // The tab loads asynchronously (on SQLite the queries happen to complete synchronously, on PostgreSQL they do not).
        Assert.Equal("3 predictions in 1 hour", (await cut.WaitForElementAsync("[data-testid=card-traffic-detail]", Loading)).TextContent);
        Assert.Equal("33.33 %", cut.Find("[data-testid=card-errors-value]").TextContent);
        Assert.Equal("red", cut.Find("[data-testid=card-errors]").GetAttribute("data-level"));
        Assert.Equal("2 labelled (67 % of predictions)", cut.Find("[data-testid=card-accuracy-detail]").TextContent);
        var requests = Chart(cut, "chart-requests");
        var accuracy = Chart(cut, "chart-accuracy");
        Assert.Equal(1, requests.Builds);

        factory.Services.GetRequiredService<IModelChangeNotifier>().Publish("live", ModelChangeKinds.Labels);
        cut.WaitForAssertion(() => Assert.Equal(2, accuracy.Builds), TimeSpan.FromSeconds(10));
        Assert.Equal(1, requests.Builds);

        await PostOkAsync(client, "/api/v1/models/live/predictions", Predictions(3, 1, errors: 0));
        cut.WaitForAssertion(() => Assert.Equal("4 predictions in 1 hour", cut.Find("[data-testid=card-traffic-detail]").TextContent), TimeSpan.FromSeconds(10));
        Assert.True(requests.Builds >= 2);
    }

    [Fact]
    public async Task Health_tab_without_traffic_shows_the_command_to_send_a_prediction()
    {
        await CreateModelAsync(client, "quiet");
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("quiet"))!;

        var cut = context.Render<HealthTab>(p => p.Add(t => t.Model, model).Add(t => t.Window, DashboardWindow.Parse("15m")));

        var hint = (await cut.WaitForElementAsync("[data-testid=health-empty]", Loading)).TextContent;
        Assert.Contains("No predictions in the last 15 min", hint);
        Assert.Contains("/api/v1/models/quiet/predictions", hint);
        Assert.Contains("\"amount\"", hint);
    }

    [Fact]
    public async Task Latency_card_is_judged_against_the_latency_slo_and_shows_the_job_compliance()
    {
        await CreateModelAsync(client, "slow");
        await PostOkAsync(client, "/api/v1/models/slow/predictions", Predictions(0, 100, errors: 0, latency: i => i < 95 ? 20 : 400));
        var id = await WithDbAsync(async db =>
        {
            var modelId = (await db.Models.SingleAsync(m => m.Name == "slow")).Id;
            var slo = new SloDefinition { ModelId = modelId, Name = "p99 under 100 ms", Kind = SloKind.Latency, TargetPercent = 99, LatencyBoundMs = 100 };
            db.SloDefinitions.Add(slo);
            await db.SaveChangesAsync();
            db.SloStatuses.Add(new SloStatus { SloId = slo.Id, Status = "Breached", CompliancePercent = 97.5, CoveredFraction = 1, EvaluatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            return modelId;
        });
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("slow"))!;

        var traffic = await factory.Services.GetRequiredService<HealthDashboard>().LoadTrafficAsync(model, DashboardWindow.Default, null);

        Assert.Equal(0.05, traffic.SlowShare!.Value, 12);      // 5 of 100 over 100 ms: 5× the 1 % budget
        Assert.Equal(HealthLevel.Red, traffic.LatencyLevel);
        Assert.InRange(traffic.P99!.Value, 400 * 0.98, 400 * 1.02);
        Assert.Contains("97.5 % over the SLO window; SLO breached", HealthCards.Latency(traffic).Note);   // the SLO page's words
        Assert.True(id > 0);
    }

    [Fact]
    public async Task Drift_tab_reads_the_latest_stored_run_and_its_history()
    {
        await CreateModelAsync(client, "drifty");
        var now = DateTime.UtcNow;
        await WithDbAsync(async db =>
        {
            var modelId = (await db.Models.SingleAsync(m => m.Name == "drifty")).Id;
            foreach (var (minutesAgo, severity, share) in new[] { (50, DriftSeverity.None, 0.0), (20, DriftSeverity.Critical, 0.5) })
            {
                var job = new JobRun { JobType = "drift", ModelId = modelId, StartedAt = now.AddMinutes(-minutesAgo), Outcome = JobOutcome.Succeeded };
                db.JobRuns.Add(job);
                await db.SaveChangesAsync();
                db.DriftRuns.Add(new DriftRun
                {
                    JobRunId = job.Id, ModelId = modelId, At = now.AddMinutes(-minutesAgo), WindowStart = now.AddMinutes(-minutesAgo - 60), WindowEnd = now.AddMinutes(-minutesAgo),
                    Baseline = "reference v1", CurrentCount = 500, HasVerdict = true, DatasetDrift = share >= 0.5, DriftShare = share, WeightedDriftShare = share,
                    Features = 2, DriftedFeatures = (int)(share * 2), Severity = severity, PredictionPsi = 0.02 + share,
                    FeatureResults =
                    [
                        new DriftFeatureResult { ModelId = modelId, At = now.AddMinutes(-minutesAgo), Feature = "amount", Test = "ks", Score = share > 0 ? 0.001 : 0.4, Threshold = 0.05, Drifted = share > 0, Importance = 0.7 },
                        new DriftFeatureResult { ModelId = modelId, At = now.AddMinutes(-minutesAgo), Feature = "country", Test = "chisquare", Score = 0.3, Threshold = 0.05, Drifted = false, Importance = 0.3 },
                    ],
                });
                await db.SaveChangesAsync();
            }

            return 0;
        });
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("drifty"))!;

        var view = await factory.Services.GetRequiredService<DriftDashboard>().LoadAsync(model, DashboardWindow.Default, null);

        Assert.False(view.ScoresAreLive);
        Assert.Equal(DriftSeverity.Critical, view.Latest!.Severity);
        Assert.Equal(0.52, view.Latest.PredictionPsi!.Value, 12);
        Assert.Equal(["amount", "country"], view.Scores.Select(s => s.Feature));
        Assert.True(view.Scores[0].Drifted);
        Assert.Equal(2, view.History.Runs.Count);
        Assert.Equal(["amount", "country"], view.History.Features);
        Assert.Equal(Math.Log(0.4) / Math.Log(0.05), view.History.Strengths[0][0]!.Value, 12);

        const string Reason = "1 of 2 features drifted — amount 2.3×; prediction PSI 0.52 high";
        Assert.Equal(new DriftStatus(HealthLevel.Red, Reason), view.Status);

        var cut = context.Render<DriftTab>(p => p.Add(t => t.Model, model).Add(t => t.Window, DashboardWindow.Default));
        var headline = await cut.WaitForElementAsync("[data-testid=drift-headline]", Loading);
        Assert.Equal($"Drift — {Reason}", Normalize(headline.TextContent));
        Assert.Equal("red", headline.GetAttribute("data-level"));
        Assert.Contains("Dataset drift", cut.Find("[data-testid=dataset-drift]").TextContent);
        Assert.Equal("0.52", cut.Find("[data-testid=prediction-psi]").TextContent);
        Assert.Contains("drift", cut.Find("#drift-table").TextContent);

        var list = (await factory.Services.GetRequiredService<ModelDirectory>().ListAsync(new ModelListQuery(Search: "drifty"))).Items;
        Assert.Equal(HealthLevel.Red, list.Single(m => m.Name == "drifty").Status);
        Assert.Equal($"drift: {Reason}", list.Single(m => m.Name == "drifty").StatusReason);
    }

    [Fact]
    public async Task A_drifting_feature_with_low_weight_is_never_green_in_the_headline_or_the_models_list()
    {
        await CreateModelAsync(client, "lowweight");
        var now = DateTime.UtcNow;
        await WithDbAsync(async db =>
        {
            var modelId = (await db.Models.SingleAsync(m => m.Name == "lowweight")).Id;
            var job = new JobRun { JobType = "drift", ModelId = modelId, StartedAt = now.AddMinutes(-5), Outcome = JobOutcome.Succeeded };
            db.JobRuns.Add(job);
            await db.SaveChangesAsync();

            // The drift job's own verdict: 1 of 2 features, 5 % of the importance: no dataset drift, severity info.
            db.DriftRuns.Add(new DriftRun
            {
                JobRunId = job.Id, ModelId = modelId, At = now.AddMinutes(-5), WindowStart = now.AddMinutes(-65), WindowEnd = now.AddMinutes(-5),
                Baseline = "reference v1", CurrentCount = 500, HasVerdict = true, DatasetDrift = false, DriftShare = 0.5, WeightedDriftShare = 0.05,
                Features = 2, DriftedFeatures = 1, Severity = DriftSeverity.Info, PredictionPsi = 0.01,
                FeatureResults =
                [
                    new DriftFeatureResult { ModelId = modelId, At = now.AddMinutes(-5), Feature = "amount", Test = "psi", Score = 0.02, Threshold = 0.1, Drifted = false, Importance = 0.95 },
                    new DriftFeatureResult { ModelId = modelId, At = now.AddMinutes(-5), Feature = "country", Test = "psi", Score = 2.2, Threshold = 0.1, Drifted = true, Severity = DriftSeverity.Critical, Importance = 0.05 },
                ],
            });
            await db.SaveChangesAsync();
            return 0;
        });
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("lowweight"))!;

        var cut = context.Render<DriftTab>(p => p.Add(t => t.Model, model).Add(t => t.Window, DashboardWindow.Default));
        var headline = await cut.WaitForElementAsync("[data-testid=drift-headline]", Loading);

        Assert.Equal("amber", headline.GetAttribute("data-level"));
        Assert.Equal("Drift — 1 of 2 features drifted — country 22×", Normalize(headline.TextContent));
        var item = (await factory.Services.GetRequiredService<ModelDirectory>().ListAsync(new ModelListQuery(Search: "lowweight"))).Items.Single(m => m.Name == "lowweight");
        Assert.Equal(HealthLevel.Amber, item.Status);
        Assert.Equal("drift: 1 of 2 features drifted — country 22×", item.StatusReason);
    }

    [Fact]
    public async Task Drift_view_estimates_live_psi_against_the_reference_and_new_predictions_refresh_only_data_quality()
    {
        await CreateModelAsync(client, "live-drift");
        using (var reference = await client.PutAsync("/api/v1/models/live-drift/reference", new StringContent(
            "amount,country\n" + string.Join("\n", Enumerable.Range(0, 200).Select(i => $"{10 + (i % 20)},{(i % 2 == 0 ? "DE" : "FR")}")), System.Text.Encoding.UTF8, "text/csv")))
        {
            Assert.True(reference.IsSuccessStatusCode, await reference.Content.ReadAsStringAsync());
        }

        await PostOkAsync(client, "/api/v1/models/live-drift/predictions", Predictions(0, 37, errors: 0));   // amount 10, country DE
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("live-drift"))!;
        var dashboard = factory.Services.GetRequiredService<DriftDashboard>();

        // Below the drift job's minimum sample (100): no scores, no colour.
        var early = await dashboard.LoadAsync(model, DashboardWindow.Default, null);
        Assert.True(early.LiveTooFew);
        Assert.Empty(early.Scores);
        Assert.Equal(HealthLevel.Unknown, early.Status.Level);
        var cut = context.Render<DriftTab>(p => p.Add(t => t.Model, model).Add(t => t.Window, DashboardWindow.Default));
        Assert.Equal("Live estimate: not enough data (37 of 100)", Normalize((await cut.WaitForElementAsync("[data-testid=drift-headline]", Loading)).TextContent));
        Assert.Empty(cut.FindAll("[data-testid=drift-summary] .portal-dot"));

        await PostOkAsync(client, "/api/v1/models/live-drift/predictions", Predictions(37, 63, errors: 0));
        var view = await dashboard.LoadAsync(model, DashboardWindow.Default, null);

        Assert.True(view.ScoresAreLive);
        Assert.False(view.LiveTooFew);
        Assert.Equal(1, view.ReferenceVersion);
        Assert.Equal(["amount", "country"], view.Scores.Select(s => s.Feature));
        Assert.All(view.Scores, s => Assert.Equal("psi", s.Test));
        Assert.True(view.Scores.Single(s => s.Feature == "amount").Drifted);
        Assert.Equal(100, view.Predictions);
        Assert.Equal(HealthLevel.Amber, view.Status.Level);

        await PostOkAsync(client, "/api/v1/models/live-drift/predictions", Predictions(100, 5, errors: 0));
        var refreshed = await dashboard.LoadAsync(model, DashboardWindow.Default, null, previous: view, dataQualityOnly: true);

        Assert.Equal(105, refreshed.Predictions);
        Assert.Equal(105, refreshed.DataQuality.Single(r => r.Feature == "amount").Count);
        Assert.Same(view.Scores, refreshed.Scores);

        var overlay = await dashboard.LoadDistributionAsync(model, "country", DashboardWindow.Default);
        Assert.Equal(["DE", "FR"], overlay!.Labels);
        Assert.Equal([0.5, 0.5], overlay.Reference);
        Assert.Equal([1.0, 0.0], overlay.Current);
    }

    [Fact]
    public async Task Quality_view_has_rolling_metrics_and_label_coverage_per_point()
    {
        await CreateModelAsync(client, "labelled");
        await PostOkAsync(client, "/api/v1/models/labelled/predictions", Predictions(0, 10, errors: 0));
        await PostOkAsync(client, "/api/v1/models/labelled/feedback",
            "[" + string.Join(',', Enumerable.Range(0, 4).Select(i => $$"""{"predictionId": "p-{{i}}", "label": {{(i == 0 ? 1 - (i % 2) : i % 2)}}}""")) + "]");
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("labelled"))!;

        var view = await factory.Services.GetRequiredService<QualityDashboard>().LoadAsync(model, DashboardWindow.Default, null);

        Assert.Equal(4, view.Labelled.Labelled);
        Assert.Equal(0.75, view.Labelled.Accuracy);
        Assert.Equal(0.4, view.LabelCoverage);
        Assert.Equal(["accuracy", "precision", "recall", "F1"], view.Metrics.Select(m => m.Name));
        Assert.Equal(0.75, view.Metrics[0].Values[^1]);
        Assert.Equal(0.4, view.Coverage[^1]);
        Assert.Equal(10, view.ScoreCount);
        Assert.Equal(["0", "1"], view.Classes.Order());
        Assert.Equal("", Assert.Single(view.Versions).Version);
    }

    [Fact]
    public async Task Quality_tab_lists_the_latest_per_segment_result_of_the_quality_job()
    {
        await CreateModelAsync(client, "segmented");
        var now = DateTime.UtcNow;
        await WithDbAsync(async db =>
        {
            var modelId = (await db.Models.SingleAsync(m => m.Name == "segmented")).Id;
            var job = new JobRun { JobType = "quality", ModelId = modelId, StartedAt = now.AddMinutes(-30), Outcome = JobOutcome.Succeeded };
            db.JobRuns.Add(job);
            await db.SaveChangesAsync();
            QualityResult Result(string segment, string window, int minutesAgo, double accuracy) => new()
            {
                JobRunId = job.Id, ModelId = modelId, At = now.AddMinutes(-minutesAgo), Window = JobWindows.Parse(window), Segment = segment,
                WindowStart = now.AddMinutes(-minutesAgo - 60), WindowEnd = now.AddMinutes(-minutesAgo), Labelled = 100, Accuracy = accuracy,
            };
            db.QualityResults.AddRange(
                Result("mobile", "1h", 30, 0.70), Result("mobile", "1h", 5, 0.75), // only the newer one counts
                Result("web", "1h", 10, 0.90),
                Result("", "1h", 5, 0.80),                                        // all segments: not a segment row
                Result("web", "1d", 5, 0.10));                                    // another job window
            await db.SaveChangesAsync();
            return 0;
        });
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("segmented"))!;

        var rows = await factory.Services.GetRequiredService<QualityDashboard>().LoadSegmentsAsync(model, DashboardWindow.Default, null, regression: false);

        Assert.Equal(["mobile", "web"], rows.Select(r => r.Segment));
        Assert.Equal([0.75, 0.90], rows.Select(r => r.Metric!.Value));
        Assert.All(rows, r => Assert.Equal("1h", JobWindows.Name(r.Window)));
    }

    private static readonly TimeSpan Loading = Eventually.Deadline;

    private static TimeSeriesChart Chart(IRenderedComponent<HealthTab> cut, string id) =>
        cut.FindComponents<TimeSeriesChart>().Single(c => c.Instance.Id == id).Instance;

    private async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    private static string Normalize(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();

    private static string Predictions(int from, int count, int errors, Func<int, double>? latency = null) =>
        "[" + string.Join(',', Enumerable.Range(from, count).Select(i =>
            $$"""{"predictionId": "p-{{i}}", "prediction": {{i % 2}}, "score": 0.8, "latencyMs": {{(latency?.Invoke(i) ?? 15).ToString(CultureInfo.InvariantCulture)}}, "features": {"amount": 10, "country": "DE"}{{(i - from < errors ? ", \"error\": \"boom\"" : "")}}}""")) + "]";
}
