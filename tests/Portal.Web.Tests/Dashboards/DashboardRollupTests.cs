using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Data.Rollups;
using Portal.Web.Features.Dashboards;
using Portal.Web.Features.Ingestion;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Infrastructure.Rollups;
using Portal.Web.Features.Models;

namespace Portal.Web.Tests.Dashboards;

/// <summary>
/// Confusion and hour rollups written by the ingestion writer on SQLite (the PostgreSQL path: Portal.ScaleOut.Tests),
/// read by the dashboards, and deleted by retention; firing alerts in the models list's status.
/// </summary>
public sealed class DashboardRollupTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private HttpClient client = default!;

    public Task InitializeAsync()
    {
        client = factory.CreateApiClient();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        client.Dispose();
        factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Labels_are_counted_per_true_and_predicted_class_and_the_quality_view_reads_them_as_one_matrix()
    {
        await CreateModelAsync(client, "iris", "multiclass");
        (string Predicted, string Actual)[] pairs =
        [
            ("setosa", "setosa"), ("setosa", "setosa"), ("versicolor", "versicolor"), ("virginica", "versicolor"),
            ("versicolor", "virginica"), ("virginica", "virginica"), ("virginica", "virginica"), ("setosa", "virginica"),
        ];
        await PostOkAsync(client, "/api/v1/models/iris/predictions",
            "[" + string.Join(',', pairs.Select((p, i) => $$"""{"predictionId": "p-{{i}}", "prediction": "{{p.Predicted}}"}""")) + "]");
        await PostOkAsync(client, "/api/v1/models/iris/feedback",
            "[" + string.Join(',', pairs.Select((p, i) => $$"""{"predictionId": "p-{{i}}", "label": "{{p.Actual}}"}""")) + "]");

        var rows = await WithDbAsync(db => db.ConfusionRollups.AsNoTracking().ToListAsync());
        Assert.Equal(8, rows.Sum(r => r.Count));
        Assert.Equal(2, rows.Single(r => r.TrueClass == "virginica" && r.PredictedClass == "virginica").Count);
        Assert.Equal(1, rows.Single(r => r.TrueClass == "virginica" && r.PredictedClass == "setosa").Count);

        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("iris"))!;
        var view = await factory.Services.GetRequiredService<QualityDashboard>().LoadAsync(model, DashboardWindow.Default, null);
        var matrix = view.Confusion!;
        Assert.Equal(["setosa", "versicolor", "virginica"], matrix.Classes);
        Assert.Equal([2L, 0, 0], matrix.Counts[0]);
        Assert.Equal([0L, 1, 1], matrix.Counts[1]);
        Assert.Equal([1L, 1, 2], matrix.Counts[2]);
        Assert.Equal(view.Labelled.Labelled, matrix.Total);
    }

    [Fact]
    public async Task Binary_models_get_their_matrix_from_the_same_pairs()
    {
        await CreateModelAsync(client, "fraud");
        await PostOkAsync(client, "/api/v1/models/fraud/predictions", """[{"predictionId": "a", "prediction": 1}, {"predictionId": "b", "prediction": 0}, {"predictionId": "c", "prediction": 1}]""");
        await PostOkAsync(client, "/api/v1/models/fraud/feedback", """[{"predictionId": "a", "label": 1}, {"predictionId": "b", "label": 1}, {"predictionId": "c", "label": 0}]""");
        var model = (await factory.Services.GetRequiredService<ModelDirectory>().FindAsync("fraud"))!;

        var view = await factory.Services.GetRequiredService<QualityDashboard>().LoadAsync(model, DashboardWindow.Default, null);

        Assert.Equal(["0", "1"], view.Confusion!.Classes);
        Assert.Equal([0L, 1], view.Confusion.Counts[0]);   // actual 0: predicted 1 once (FP)
        Assert.Equal([1L, 1], view.Confusion.Counts[1]);   // actual 1: FN, TP
        Assert.Equal(view.Labelled.TruePositives, view.Confusion.Counts[1][1]);
        Assert.Equal(view.Labelled.FalsePositives, view.Confusion.Counts[0][1]);
    }

    [Fact]
    public async Task A_minute_keeps_at_most_MaxClasses_distinct_classes_and_counts_the_rest_as_other()
    {
        await CreateModelAsync(client, "many", "multiclass");
        var at = Iso(DateTimeOffset.UtcNow.AddMinutes(-5));
        var classes = Enumerable.Range(0, ConfusionRollup.MaxClasses + 5).Select(i => $"c{i:00}").ToList();
        await PostOkAsync(client, "/api/v1/models/many/predictions",
            "[" + string.Join(',', classes.Select((c, i) => $$"""{"predictionId": "p-{{i}}", "prediction": "{{c}}", "timestamp": "{{at}}"}""")) + "]");
        await PostOkAsync(client, "/api/v1/models/many/feedback",
            "[" + string.Join(',', classes.Select((c, i) => $$"""{"predictionId": "p-{{i}}", "label": "{{c}}"}""")) + "]");
        // A later request in the same minute: a known class stays itself, a new one is "other".
        await PostOkAsync(client, "/api/v1/models/many/predictions", $$"""[{"predictionId": "late-1", "prediction": "c00", "timestamp": "{{at}}"}, {"predictionId": "late-2", "prediction": "zz", "timestamp": "{{at}}"}]""");
        await PostOkAsync(client, "/api/v1/models/many/feedback", """[{"predictionId": "late-1", "label": "c00"}, {"predictionId": "late-2", "label": "zz"}]""");

        var rows = await WithDbAsync(db => db.ConfusionRollups.AsNoTracking().ToListAsync());
        var stored = rows.SelectMany(r => new[] { r.TrueClass, r.PredictedClass }).Distinct().ToList();
        Assert.Equal(ConfusionRollup.MaxClasses, stored.Count(c => c != ConfusionRollup.Other));
        Assert.Contains(ConfusionRollup.Other, stored);
        Assert.Equal(classes.Count + 2, rows.Sum(r => r.Count));
        Assert.Equal(2, rows.Single(r => r.TrueClass == "c00").Count);
        Assert.Equal(6, rows.Single(r => r.TrueClass == ConfusionRollup.Other).Count);
    }

    [Fact]
    public async Task Hour_rows_hold_exactly_the_sums_of_their_minutes_and_long_windows_read_the_same_figures()
    {
        await CreateModelAsync(client, "hourly");
        var hour = DateTimeOffset.FromUnixTimeMilliseconds(RollupAccumulator.HourOf(DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeMilliseconds()));
        var items = Enumerable.Range(0, 90).Select(i =>
            $$"""{"predictionId": "p-{{i}}", "prediction": {{i % 2}}, "score": {{(i % 10) / 10.0:0.0}}, "latencyMs": {{5 + (i * 3)}}, "modelVersion": "v{{1 + (i % 2)}}", "timestamp": "{{Iso(hour.AddMinutes(i % 50))}}"{{(i % 9 == 0 ? ", \"error\": \"boom\"" : "")}}}""");
        // Two requests, so the hour rows are read back and merged once.
        var list = items.ToList();
        await PostOkAsync(client, "/api/v1/models/hourly/predictions", "[" + string.Join(',', list.Take(40)) + "]");
        await PostOkAsync(client, "/api/v1/models/hourly/predictions", "[" + string.Join(',', list.Skip(40)) + "]");

        var (minutes, hours) = await WithDbAsync(async db => (await db.PredictionRollups.AsNoTracking().ToListAsync(), await db.PredictionHourRollups.AsNoTracking().ToListAsync()));
        Assert.Equal(["v1", "v2"], hours.Select(h => h.Version).Order());
        foreach (var h in hours)
        {
            var own = minutes.Where(m => m.Version == h.Version).ToList();
            Assert.Equal(hour.ToUnixTimeMilliseconds(), h.HourMs);
            Assert.Equal(own.Sum(m => m.Count), h.Count);
            Assert.Equal(own.Sum(m => m.Errors), h.Errors);
            Assert.Equal(own.Max(m => m.LatencyMaxMs), h.LatencyMaxMs);
            var latency = new LogHistogram();
            own.ForEach(m => latency.Merge(LogHistogram.FromJson(m.LatencyBuckets)));
            var merged = LogHistogram.FromJson(h.LatencyBuckets);
            Assert.Equal(latency.Positive.OrderBy(b => b.Key), merged.Positive.OrderBy(b => b.Key));
            Assert.Equal(latency.Count, merged.Count);
            var bins = new long[ScoreHistogram.Bins];
            own.ForEach(m => ScoreHistogram.FromJson(m.ScoreBins).Select((c, i) => bins[i] += c).ToList());
            Assert.Equal(bins, ScoreHistogram.FromJson(h.ScoreBins));
        }

        var range = DashboardWindow.Parse("30d").At(DateTimeOffset.UtcNow);
        Assert.True(RollupQueries.Split(range, bucketed: true).HasHours);
        var fromHours = await WithDbAsync(db => RollupQueries.PredictionsAsync(db, hours[0].ModelId, null, range, RollupParts.Latency | RollupParts.Scores, CancellationToken.None));
        var fromMinutes = RollupQueries.Bucket(range, minutes.Select(m => new PredictionRow(
            m.Version, m.MinuteMs, m.Count, m.Errors, m.SchemaViolations, m.LatencyCount, m.LatencySumMs, m.LatencyMaxMs, m.LatencyBuckets,
            m.ScoreCount, m.ScoreSum, m.ScoreBins, m.ClassCounts, m.LowConfidence, m.ValueCount, m.ValueSum, m.ValueSumSq)));
        Assert.Equal(90, fromHours.Total.Count);
        Assert.Equal(fromMinutes.Total.Errors, fromHours.Total.Errors);
        Assert.Equal(fromMinutes.Total.LatencyQuantile(0.95), fromHours.Total.LatencyQuantile(0.95));
        Assert.Equal(fromMinutes.Buckets.Select(b => b.Count), fromHours.Buckets.Select(b => b.Count));
        Assert.Equal(fromMinutes.Total.ScoreBins, fromHours.Total.ScoreBins);
        var counts = await WithDbAsync(db => RollupQueries.CountsAsync(db, hours[0].ModelId, "v1", range, CancellationToken.None));
        Assert.Equal(fromMinutes.Buckets.Select(b => b.Count), (await WithDbAsync(db => RollupQueries.CountsAsync(db, hours[0].ModelId, null, range, CancellationToken.None))));
        Assert.Equal(45, counts.Sum());
        Assert.Equal(90, await WithDbAsync(db => RollupQueries.CountAsync(db, hours[0].ModelId, null, range, CancellationToken.None)));

        // Labels: quality hour rows hold the sums of their minutes; long windows read the same metrics from them.
        await PostOkAsync(client, "/api/v1/models/hourly/feedback", "[" + string.Join(',', Enumerable.Range(0, 60).Select(i => $$"""{"predictionId": "p-{{i}}", "label": {{(i % 3 == 0 ? 1 : 0)}}}""")) + "]");
        var (qualityMinutes, qualityHours) = await WithDbAsync(async db => (await db.QualityRollups.AsNoTracking().ToListAsync(), await db.QualityHourRollups.AsNoTracking().ToListAsync()));
        Assert.Equal(60, qualityHours.Sum(h => h.Labelled));
        foreach (var h in qualityHours)
        {
            var own = qualityMinutes.Where(m => m.Version == h.Version).ToList();
            Assert.Equal((own.Sum(m => m.Correct), own.Sum(m => m.TruePositives), own.Sum(m => m.FalseNegatives)), (h.Correct, h.TruePositives, h.FalseNegatives));
        }

        var minuteStats = QualityStats.Sum(qualityMinutes);
        var read = await WithDbAsync(db => RollupQueries.QualityAsync(db, hours[0].ModelId, null, range, CancellationToken.None));
        Assert.Equal((minuteStats.Labelled, minuteStats.Accuracy, minuteStats.F1), (read.Total.Labelled, read.Total.Accuracy, read.Total.F1));
        var byVersion = await WithDbAsync(db => QualityRollupQueries.SumsByVersionAsync(db, hours[0].ModelId, range.FromMs, range.ToMs + 1, CancellationToken.None));
        Assert.Equal(qualityMinutes.Where(m => m.Version == "v1").Sum(m => m.Labelled), byVersion["v1"].Labelled);
    }

    [Fact]
    public void A_range_splits_into_whole_hours_and_minute_edges()
    {
        const long h = RollupQueries.HourMs;
        // 10:00 … 13:30 in three-hour buckets: hours 10, 11, 12 whole; 13:00–13:30 from minute rows.
        var range = new TimeRange(10 * h, (13 * h) + (30 * 60_000), 3 * h);
        Assert.Equal(new RollupQueries.RangeSplit(10 * h, 13 * h), RollupQueries.Split(range, bucketed: true));
        // Ending in the last minute of an hour: that hour is whole.
        Assert.Equal(14 * h, RollupQueries.Split(range with { ToMs = (14 * h) - 60_000 }, bucketed: true).HourTo);
        // Five-minute buckets: minute rows only when bucketed; totals still use hours.
        var fine = range with { BucketMs = 5 * 60_000 };
        Assert.False(RollupQueries.Split(fine, bucketed: true).HasHours);
        Assert.True(RollupQueries.Split(fine, bucketed: false).HasHours);
    }

    [Fact]
    public async Task Retention_deletes_confusion_rows_older_than_confusion_days()
    {
        await CreateModelAsync(client, "aging", "multiclass");
        var old = DateTimeOffset.UtcNow.AddDays(-36);
        var recent = DateTimeOffset.UtcNow.AddDays(-34);
        await PostOkAsync(client, "/api/v1/models/aging/predictions", $$"""
            [ {"predictionId": "old", "prediction": "a", "timestamp": "{{Iso(old)}}"}, {"predictionId": "recent", "prediction": "b", "timestamp": "{{Iso(recent)}}"} ]
            """);
        await PostOkAsync(client, "/api/v1/models/aging/feedback", """[{"predictionId": "old", "label": "a"}, {"predictionId": "recent", "label": "b"}]""");
        Assert.Equal(2, await WithDbAsync(db => db.ConfusionRollups.CountAsync()));

        await factory.Services.GetRequiredService<RetentionService>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(["b"], await WithDbAsync(db => db.ConfusionRollups.Select(r => r.TrueClass).ToListAsync()));
        Assert.Equal(2, await WithDbAsync(db => db.QualityRollups.SumAsync(r => r.Labelled)));
    }

    [Fact]
    public async Task Models_list_status_is_red_with_a_firing_critical_alert_and_amber_with_a_warning()
    {
        await CreateModelAsync(client, "calm");
        await CreateModelAsync(client, "paged");
        await CreateModelAsync(client, "warned");
        await CreateModelAsync(client, "resolved");
        await WithDbAsync(async db =>
        {
            var models = await db.Models.ToDictionaryAsync(m => m.Name, m => m.Id);
            var rule = new AlertRuleEntity { Name = "errors", Metric = AlertMetric.ErrorRate, Threshold = 0.05 };
            db.AlertRules.Add(rule);
            await db.SaveChangesAsync();
            AlertRecord Alert(string model, string severity, string state) => new()
            {
                RuleId = rule.Id, ModelId = models[model], Fingerprint = $"{model}-{severity}-{state}", Severity = severity, State = state, FiredAt = DateTime.UtcNow,
            };
            db.Alerts.AddRange(
                Alert("paged", "critical", "Firing"), Alert("paged", "warning", "Firing"),
                Alert("warned", "warning", "Firing"), Alert("warned", "critical", "Pending"),
                Alert("resolved", "critical", "Resolved"));
            await db.SaveChangesAsync();
            return 0;
        });

        var list = (await factory.Services.GetRequiredService<ModelDirectory>().ListAsync(new ModelListQuery(PageSize: 1_000))).Items.ToDictionary(m => m.Name);

        Assert.Equal(HealthLevel.Red, list["paged"].Status);
        Assert.Equal("firing alerts", list["paged"].StatusReason);
        Assert.Equal(HealthLevel.Amber, list["warned"].Status);
        Assert.Equal(HealthLevel.Unknown, list["resolved"].Status);
        Assert.Equal(HealthLevel.Unknown, list["calm"].Status);
    }

    private async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }
}
