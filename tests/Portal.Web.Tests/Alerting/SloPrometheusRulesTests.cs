using System.Net.Http.Json;
using System.Text.Json;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Alerting;

/// <summary>GET /api/v1/slos/prometheus-rules: Sloth-shaped rules that promtool accepts and a real Prometheus evaluates.</summary>
public sealed class SloPrometheusRulesTests
{
    private const string PromtoolBinary = "/usr/bin/promtool";

    [Fact]
    public async Task The_rules_of_every_exportable_slo_pass_promtool_check_rules()
    {
        var promtool = ExternalTool.Require(PromtoolBinary);
        using var host = new AlertingTestHost();
        await host.ModelAsync("rules \"quoted\"");
        await host.ModelAsync("rules-latency");
        using var client = host.Factory.CreateApiClient();
        await PostSloAsync(client, "rules%20%22quoted%22", new { name = "availability", kind = "availability", targetPercent = 99.9 });
        await PostSloAsync(client, "rules-latency", new { name = "p99 under 250ms", kind = "latency", targetPercent = 99, latencyBoundMs = 250, windowDays = 28 });
        await PostSloAsync(client, "rules-latency", new { name = "accurate", kind = "accuracy", targetPercent = 90 });
        await PostSloAsync(client, "rules-latency", new { name = "busy minutes", kind = "throughput", targetPercent = 95, minRequestsPerMinute = 120 });
        await PostSloAsync(client, "rules-latency", new { name = "errors", kind = "errorRate", targetPercent = 99.5 });

        var response = await client.GetAsync("/api/v1/slos/prometheus-rules");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        var yaml = await response.Content.ReadAsStringAsync();
        var file = Path.Combine(Path.GetTempPath(), $"portal-slo-rules-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            var (exit, output) = await ExternalTool.RunAsync(promtool, ["check", "rules", file]);
            Assert.True(exit == 0, output + "\n" + yaml);
            // Five exported SLOs × (8 SLI recordings + 7 meta recordings + page and ticket alerts), and the throughput
            // SLO's per-minute recording.
            Assert.Contains("SUCCESS: 86 rules found", output);
        }
        finally
        {
            File.Delete(file);
        }

        // Accuracy reads the labelled and correct counters: exported like the others.
        Assert.DoesNotContain("# Not exported: rules-latency/accurate", yaml);
        Assert.Contains("ml_correct_predictions_total{model_name=\"rules-latency\"}", yaml);
        var sloOfKind = new Dictionary<SloKind, string>
        {
            [SloKind.Latency] = "p99 under 250ms", [SloKind.Availability] = "availability", [SloKind.ErrorRate] = "errors",
            [SloKind.Accuracy] = "accurate", [SloKind.Throughput] = "busy minutes",
        };
        Assert.Equal(Enum.GetValues<SloKind>().Order(), sloOfKind.Keys.Order());
        Assert.Equal(Enum.GetValues<SloKind>().Order(),
            sloOfKind.Where(s => yaml.Contains($"sloth_slo: {s.Value}\n")).Select(s => s.Key).Order());
        Assert.Contains("sum(rate(ml_requests_total{model_name=\"rules-latency\"}[1m])) * 60 < bool 120", yaml);
        Assert.Contains("avg_over_time(slo:sli_error:ratio_rate1m{sloth_id=\"rules-latency-busy minutes\"", yaml);
        Assert.Contains("record: slo:sli_error:ratio_rate3d", yaml);
        Assert.Contains("le=\"0.25\"", yaml); // the 250 ms bound is a bucket edge of ml_request_duration_seconds
        Assert.Contains("sloth_severity: page", yaml);
        Assert.Contains("13.44", yaml); // 14.4 scaled to a 28-day window, as the portal's own page alert
    }

    [Fact]
    public async Task A_real_prometheus_loads_the_rules_and_records_the_sli_error_ratio_of_the_portals_metrics()
    {
        var database = Path.Combine(Path.GetTempPath(), $"portal-slo-prom-{Guid.NewGuid():N}.db");
        var folder = Directory.CreateTempSubdirectory("portal-slo-prometheus-");
        var portal = new PortalProcess(database, "slo-prom-admin-key");
        try
        {
            await portal.StartAsync();
            using var api = new HttpClient { BaseAddress = portal.BaseAddress };
            api.DefaultRequestHeaders.Add("X-Api-Key", portal.ApiKey);
            (await api.PutAsJsonAsync("/api/v1/models/prom-slo", new { taskType = "binary" })).EnsureSuccessStatusCode();
            await PostSloAsync(api, "prom-slo", new { name = "availability", kind = "availability", targetPercent = 99 });
            await PostSloAsync(api, "prom-slo", new { name = "a million a minute", kind = "throughput", targetPercent = 99, minRequestsPerMinute = 1_000_000 });
            var rules = Path.Combine(folder.FullName, "slo-rules.yml");
            await File.WriteAllTextAsync(rules, await api.GetStringAsync("/api/v1/slos/prometheus-rules"));

            await using var server = await PrometheusServer.StartAsync(folder, portal.Port, rules);
            var query = server.Query;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            double? ratio = null;
            var batch = 0;
            while (DateTime.UtcNow < deadline && ratio is null)
            {
                // One prediction in four fails, sent while Prometheus scrapes, so the counters' rates are 1 : 4.
                var items = Enumerable.Range(0, 40).Select(i => i % 4 == 0
                    ? (object)new { predictionId = $"b{batch}-{i}", error = "timeout", latencyMs = 12.5 }
                    : new { predictionId = $"b{batch}-{i}", prediction = 1, score = 0.9, latencyMs = 12.5 });
                (await api.PostAsJsonAsync("/api/v1/models/prom-slo/predictions", items)).EnsureSuccessStatusCode();
                batch++;
                await Task.Delay(1000);
                try
                {
                    var answer = await query.GetFromJsonAsync<JsonElement>("api/v1/query?query=" + Uri.EscapeDataString("slo:sli_error:ratio_rate5m{sloth_service=\"prom-slo\",sloth_slo=\"availability\"}"));
                    var result = answer.GetProperty("data").GetProperty("result");
                    if (result.GetArrayLength() > 0 && double.TryParse(result[0].GetProperty("value")[1].GetString(), System.Globalization.CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v > 0)
                    {
                        ratio = v;
                    }
                }
                catch (HttpRequestException)
                {
                    // Prometheus is still starting.
                }
            }

            Assert.True(ratio is not null, $"Prometheus never recorded the SLI error ratio. Its log:\n{server.Log}\nPortal log:\n{portal.Log}");
            Assert.InRange(ratio!.Value, 0.15, 0.35);
            var groups = (await query.GetFromJsonAsync<JsonElement>("api/v1/rules")).GetProperty("data").GetProperty("groups");
            Assert.Equal(6, groups.GetArrayLength());

            // The throughput SLO reads the same counter: no minute reaches a million requests, so every minute is bad.
            var throughputQuery = "api/v1/query?query=" + Uri.EscapeDataString("slo:sli_error:ratio_rate5m{sloth_service=\"prom-slo\",sloth_slo=\"a million a minute\"}");
            var throughput = (await query.GetFromJsonAsync<JsonElement>(throughputQuery)).GetProperty("data").GetProperty("result");
            for (var wait = 0; wait < 20 && throughput.GetArrayLength() == 0; wait++)
            {
                await Task.Delay(1000);
                throughput = (await query.GetFromJsonAsync<JsonElement>(throughputQuery)).GetProperty("data").GetProperty("result");
            }

            Assert.Equal("1", Assert.Single(throughput.EnumerateArray()).GetProperty("value")[1].GetString());
            Assert.All(groups.EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()), r => Assert.Equal("ok", r.GetProperty("health").GetString()));
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

    private static async Task PostSloAsync(HttpClient client, string model, object slo)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/models/{model}/slos", slo);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
