using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Ingestion;

/// <summary>The first start on an empty database seeds the demo models and their traffic flows through the API.</summary>
[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // a portal process on a SQLite file.
public sealed class DemoTrafficTests : IDisposable
{
    private readonly string databaseFile = Path.Combine(Path.GetTempPath(), $"portal-demo-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Fresh_database_gets_demo_models_references_and_growing_traffic()
    {
        using var server = new PortalProcess(databaseFile, "demo-test-key", demo: true);
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", server.ApiKey);

        long first = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var target in new[] { 1L, 0L })
        {
            long count;
            do
            {
                Assert.True(DateTime.UtcNow < deadline, $"demo traffic did not arrive:\n{server.Log}");
                await Task.Delay(500);
                count = await PredictionsAsync(http, "fraud-detector");
            }
            while (count < Math.Max(target, first + 1));
            first = count;
        }

        var models = await http.GetFromJsonAsync<JsonArray>("api/v1/models");
        Assert.Equal(["bike-demand", "churn-predictor", "fraud-detector", "ticket-router"], models!.Select(m => m!["name"]!.GetValue<string>()));
        // The multiclass demo model's predictions (string classes with probabilities) are accepted too.
        while (await PredictionsAsync(http, "ticket-router") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"ticket-router traffic did not arrive:\n{server.Log}");
            await Task.Delay(500);
        }

        var summary = await http.GetFromJsonAsync<JsonObject>("api/v1/models/bike-demand/summary?window=1h");
        Assert.Equal(1, summary!["drift"]!["referenceVersion"]!.GetValue<int>());
    }

    private static async Task<long> PredictionsAsync(HttpClient http, string model)
    {
        using var response = await http.GetAsync($"api/v1/models/{model}/summary?window=1h");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>())!["predictions"]!.GetValue<long>() : 0;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm" })
        {
            File.Delete(file);
        }
    }
}
