using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Dashboards;

/// <summary>
/// Data for the dashboard tests, sent over REST with the fixture's admin key like any model service would: a binary
/// model with a schema, a reference dataset, 120 predictions of the last 30 minutes (6 failed, some values out of range,
/// missing or of a new category), 60 labels (50 right) and a host's resource samples. Seeded once per server.
/// </summary>
public static class DashboardSeed
{
    public const string Model = "e2e-fraud";
    public const string Host = "e2e-gpu-1";
    public const int Predictions = 120;
    public const int Errors = 6;
    public const int Labels = 60;
    public const int Correct = 50;

    /// <summary>A multiclass model named like the demo's (four queues), with labels whose confusion is known.</summary>
    public const string Multiclass = "ticket-router";

    /// <summary>Per actual queue: how many of its labelled predictions went to each predicted queue.</summary>
    public static readonly (string Actual, string Predicted, int Count)[] Routing =
    [
        ("billing", "billing", 18), ("billing", "account", 2),
        ("technical", "technical", 12), ("technical", "account", 8),
        ("account", "account", 16), ("account", "technical", 4),
        ("sales", "sales", 20),
    ];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool seeded;

    public static async Task EnsureAsync(PortalServerFixture portal)
    {
        await Gate.WaitAsync();
        try
        {
            if (!seeded)
            {
                await SeedAsync(portal);
                seeded = true;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Creates a binary model with the e2e schema (amount: numerical 0–1000, country: DE/FR).</summary>
    public static async Task CreateModelAsync(HttpClient client, string model) =>
        await SendAsync(client, HttpMethod.Put, $"/api/v1/models/{model}", """
            { "taskType": "binary", "description": "end-to-end fraud model", "owner": "e2e", "versions": ["v1"],
              "features": [ {"name": "amount", "type": "numerical", "min": 0, "max": 1000, "importance": 0.7},
                            {"name": "country", "type": "categorical", "categories": ["DE", "FR"], "importance": 0.3} ] }
            """);

    public static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"{method} {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static async Task SeedAsync(PortalServerFixture portal)
    {
        using var client = portal.CreateHttpClient(portal.ApiKey);
        await CreateModelAsync(client, Model);

        var random = new Random(7);
        var amounts = string.Join(',', Enumerable.Range(0, 500).Select(_ => (80 + (random.NextDouble() * 60)).ToString("0.##", CultureInfo.InvariantCulture)));
        var countries = string.Join(',', Enumerable.Range(0, 500).Select(i => i % 3 == 0 ? "\"FR\"" : "\"DE\""));
        await SendAsync(client, HttpMethod.Put, $"/api/v1/models/{Model}/reference", $$$"""{"columns": {"amount": [{{{amounts}}}], "country": [{{{countries}}}]}}""");

        var now = DateTimeOffset.UtcNow;
        var items = Enumerable.Range(0, Predictions).Select(i =>
        {
            var amount = i % 20 == 0 ? "null" : i % 30 == 1 ? "2500" : (250 + (random.NextDouble() * 100)).ToString("0.##", CultureInfo.InvariantCulture);
            var country = i % 10 == 0 ? "PL" : i % 2 == 0 ? "DE" : "FR";
            var error = i < Errors ? ", \"error\": \"timeout\"" : "";
            var label = i % 2;
            var score = (label == 1 ? 0.9 : 0.3).ToString(CultureInfo.InvariantCulture);
            return $$$"""{"predictionId": "p-{{{i}}}", "timestamp": "{{{Iso(now.AddSeconds(-15 * i))}}}", "modelVersion": "v1", "prediction": {{{label}}}, "score": {{{score}}}, "latencyMs": {{{10 + (i % 40)}}}, "features": {"amount": {{{amount}}}, "country": "{{{country}}}"}""" + error + "}";
        });
        var answer = await SendAsync(client, HttpMethod.Post, $"/api/v1/models/{Model}/predictions", "[" + string.Join(',', items) + "]");
        Assert.Equal(Predictions, answer.GetProperty("accepted").GetInt32());

        var labels = Enumerable.Range(0, Labels).Select(i =>
            $$"""{"predictionId": "p-{{i}}", "label": {{(i < Correct ? i % 2 : 1 - (i % 2))}}}""");
        answer = await SendAsync(client, HttpMethod.Post, $"/api/v1/models/{Model}/feedback", "[" + string.Join(',', labels) + "]");
        Assert.Equal(Labels, answer.GetProperty("accepted").GetInt32());

        var samples = Enumerable.Range(0, 6).Select(i =>
            $$"""{"host": "{{Host}}", "model": "{{Model}}", "timestamp": "{{Iso(now.AddMinutes(-i * 2))}}", "cpuPercent": {{40 + i}}, "memoryBytes": 2147483648, "memoryPercent": 50, "gpuPercent": 70, "gpuMemoryBytes": 8589934592}""");
        await SendAsync(client, HttpMethod.Post, "/api/v1/resources", "[" + string.Join(',', samples) + "]");

        await SendAsync(client, HttpMethod.Put, $"/api/v1/models/{Multiclass}", """
            { "taskType": "multiclass", "description": "end-to-end ticket router", "owner": "e2e", "versions": ["v1"],
              "features": [ {"name": "message_length", "type": "numerical", "min": 0, "max": 5000} ] }
            """);
        var routed = Routing.SelectMany(r => Enumerable.Repeat(r, r.Count)).Select((r, i) => (Id: $"t-{i}", r.Actual, r.Predicted)).ToList();
        await SendAsync(client, HttpMethod.Post, $"/api/v1/models/{Multiclass}/predictions", "[" + string.Join(',', routed.Select((r, i) =>
            $$$"""{"predictionId": "{{{r.Id}}}", "timestamp": "{{{Iso(now.AddSeconds(-20 * i))}}}", "modelVersion": "v1", "prediction": "{{{r.Predicted}}}", "latencyMs": 9, "features": {"message_length": {{{100 + i}}}}}""")) + "]");
        await SendAsync(client, HttpMethod.Post, $"/api/v1/models/{Multiclass}/feedback", "[" + string.Join(',', routed.Select(r =>
            $$"""{"predictionId": "{{r.Id}}", "label": "{{r.Actual}}"}""")) + "]");
    }
}
