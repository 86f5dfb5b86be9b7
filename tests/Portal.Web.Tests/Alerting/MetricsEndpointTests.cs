using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Data.Entities;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Alerting;

/// <summary>GET /metrics: valid Prometheus text (promtool) and scraped by a real Prometheus (Debian's package).</summary>
public sealed class MetricsEndpointTests
{
    private const string Promtool = "/usr/bin/promtool";

    [Fact]
    public async Task Metrics_pass_promtool_check_and_carry_the_ml_names_labelled_by_model()
    {
        using var host = new AlertingTestHost();
        var model = await host.ModelAsync("scraped");
        await host.SeedTrafficAsync(model.Id, DateTimeOffset.UtcNow.AddMinutes(-10), 5, 0.1);
        using var client = host.Factory.CreateClient(); // anonymous: Prometheus sends no key

        var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("ml_requests_total{model_name=\"scraped\"} 500", text);
        Assert.Contains("ml_errors_total{model_name=\"scraped\"} 50", text);
        Assert.Contains("ml_request_duration_seconds_bucket{model_name=\"scraped\",le=\"0.025\"} 500", text);
        Assert.Contains("ml_prediction_confidence_count{model_name=\"scraped\"} 500", text);
        Assert.Contains("ml_predictions_by_class{model_name=\"scraped\",class=\"1\"} 300", text);
        Assert.Contains("ml_labelled_predictions_total{model_name=\"scraped\"} 0", text);
        Assert.Contains("ml_correct_predictions_total{model_name=\"scraped\"} 0", text);
        Assert.Contains("# TYPE ml_data_drift_score gauge", text);
        Assert.Contains("# TYPE ml_concept_drift_psi gauge", text);
        Assert.Contains("# TYPE ml_model_accuracy gauge", text);
        Assert.Contains("# TYPE ml_slo_compliance_percentage gauge", text);
        Assert.Matches(@"(?m)^process_working_set_bytes [1-9]", text);
        Assert.Matches(@"(?m)^dotnet_total_memory_bytes [1-9]", text);
        Assert.Contains("# TYPE process_cpu_seconds_total counter", text);

        // Counting is by delta: a second scrape with no new traffic reports the same totals.
        Assert.Contains("ml_requests_total{model_name=\"scraped\"} 500", await client.GetStringAsync("/metrics"));

        var (exit, output) = await ExternalTool.RunAsync(ExternalTool.Require(Promtool), ["check", "metrics"], text);
        Assert.True(exit == 0, $"promtool check metrics failed ({exit}):\n{output}");
    }

    [Fact]
    public async Task Drift_psi_accuracy_and_slo_gauges_carry_the_stored_values_with_their_labels()
    {
        using var host = new AlertingTestHost();
        var model = await host.ModelAsync("gauged");
        var now = DateTimeOffset.UtcNow;
        await host.DbAsync(async db =>
        {
            var job = new Portal.Data.Entities.Jobs.JobRun { JobType = "drift", ModelId = model.Id, StartedAt = now.AddHours(-3).UtcDateTime };
            db.JobRuns.Add(job);
            await db.SaveChangesAsync();

            // Accuracy of the last 24 hours: (40 + 20) / (50 + 30); the rollup of two days ago (0 of 100) is left out.
            foreach (var (minutesAgo, labelled, correct) in new[] { (30, 50L, 40L), (90, 30L, 20L), (48 * 60, 100L, 0L) })
            {
                db.QualityRollups.Add(new QualityRollup
                {
                    ModelId = model.Id, Version = "v1", MinuteMs = now.AddMinutes(-minutesAgo).ToUnixTimeMilliseconds() / 60_000 * 60_000, Labelled = labelled, Correct = correct,
                });
            }

            // The latest run with a verdict counts: not the older one, nor the newer one without a verdict.
            Portal.Data.Entities.Jobs.DriftRun Run(int hoursAgo, bool verdict, double psi, params (string Feature, double Score)[] scores) => new()
            {
                JobRunId = job.Id, ModelId = model.Id, At = now.AddHours(-hoursAgo).UtcDateTime, Baseline = "reference", HasVerdict = verdict, PredictionPsi = psi,
                FeatureResults = [.. scores.Select(s => new Portal.Data.Entities.Jobs.DriftFeatureResult { ModelId = model.Id, At = now.AddHours(-hoursAgo).UtcDateTime, Feature = s.Feature, Test = "ks", Score = s.Score })],
            };
            db.DriftRuns.AddRange(Run(2, true, 0.5, ("income", 0.875)), Run(1, true, 0.125, ("income", 0.0625), ("age", 0.25)), Run(0, false, 0.99, ("income", 0.5)));

            var latency = new Portal.Data.Entities.Jobs.SloDefinition { ModelId = model.Id, Name = "latency-p99", Kind = Portal.Data.Entities.Jobs.SloKind.Latency, TargetPercent = 99, LatencyBoundMs = 300 };
            var availability = new Portal.Data.Entities.Jobs.SloDefinition { ModelId = model.Id, Name = "availability", Kind = Portal.Data.Entities.Jobs.SloKind.Availability, TargetPercent = 99.9 };
            db.SloDefinitions.AddRange(latency, availability);
            await db.SaveChangesAsync();
            db.SloStatuses.Add(new Portal.Data.Entities.Jobs.SloStatus { SloId = latency.Id, EvaluatedAt = now.UtcDateTime, Status = "Met", CompliancePercent = 99.25 });
            db.SloStatuses.Add(new Portal.Data.Entities.Jobs.SloStatus { SloId = availability.Id, EvaluatedAt = now.UtcDateTime, Status = "Breached", CompliancePercent = 97.5 });
            return await db.SaveChangesAsync();
        });
        using var client = host.Factory.CreateClient();

        var lines = (await client.GetStringAsync("/metrics")).Split('\n');

        Assert.Contains("ml_model_accuracy{model_name=\"gauged\"} 0.75", lines);

        // The counters accuracy SLOs' Prometheus rules read: every rollup minute of the 48-hour lookback (the 48-hour-old one is out).
        Assert.Contains("ml_labelled_predictions_total{model_name=\"gauged\"} 80", lines);
        Assert.Contains("ml_correct_predictions_total{model_name=\"gauged\"} 60", lines);
        Assert.Contains("ml_concept_drift_psi{model_name=\"gauged\"} 0.125", lines);
        Assert.Contains("ml_data_drift_score{model_name=\"gauged\",feature_name=\"income\"} 0.0625", lines);
        Assert.Contains("ml_data_drift_score{model_name=\"gauged\",feature_name=\"age\"} 0.25", lines);
        Assert.Contains("ml_slo_compliance_percentage{model_name=\"gauged\",slo_name=\"latency-p99\"} 99.25", lines);
        Assert.Contains("ml_slo_compliance_percentage{model_name=\"gauged\",slo_name=\"availability\"} 97.5", lines);
    }

    [Fact]
    public async Task Metrics_can_require_an_api_key()
    {
        using var factory = new PortalFactory { Settings = { ["Portal:Metrics:RequireApiKey"] = "true" } };
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        using var keyed = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/metrics")).StatusCode);
    }

    // SQLite only: a portal process on a SQLite file.
    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
    [Fact]
    public async Task A_real_prometheus_scrapes_the_running_portal()
    {
        var database = Path.Combine(Path.GetTempPath(), $"portal-prom-{Guid.NewGuid():N}.db");
        var folder = Directory.CreateTempSubdirectory("portal-prometheus-");
        var portal = new PortalProcess(database, "prom-test-admin-key");
        try
        {
            await portal.StartAsync();
            using var api = new HttpClient { BaseAddress = portal.BaseAddress };
            api.DefaultRequestHeaders.Add("X-Api-Key", portal.ApiKey);
            (await api.PutAsJsonAsync("/api/v1/models/prom-model", new { taskType = "binary" })).EnsureSuccessStatusCode();
            var items = Enumerable.Range(0, 20).Select(i => new { predictionId = $"p{i}", prediction = 1, score = 0.9, latencyMs = 12.5 });
            (await api.PostAsJsonAsync("/api/v1/models/prom-model/predictions", items)).EnsureSuccessStatusCode();

            await using var server = await PrometheusServer.StartAsync(folder, portal.Port);
            var query = server.Query;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            string? value = null;
            while (DateTime.UtcNow < deadline && value is null)
            {
                await Task.Delay(1000);
                try
                {
                    var answer = await query.GetFromJsonAsync<JsonElement>("api/v1/query?query=ml_requests_total");
                    var result = answer.GetProperty("data").GetProperty("result");
                    if (result.GetArrayLength() > 0)
                    {
                        Assert.Equal("prom-model", result[0].GetProperty("metric").GetProperty("model_name").GetString());
                        value = result[0].GetProperty("value")[1].GetString();
                    }
                }
                catch (HttpRequestException)
                {
                    // Prometheus is still starting.
                }
            }

            Assert.True(value is not null, $"Prometheus never scraped ml_requests_total. Its log:\n{server.Log}\nPortal log:\n{portal.Log}");
            Assert.Equal("20", value);
            var targets = await query.GetFromJsonAsync<JsonElement>("api/v1/targets");
            Assert.Equal("up", targets.GetProperty("data").GetProperty("activeTargets")[0].GetProperty("health").GetString());
        }
        finally
        {
            portal.Dispose();
            folder.Delete(recursive: true);
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
