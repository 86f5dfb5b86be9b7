using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Jobs;

/// <summary>Seeds models, references, predictions and labels through the real API, and runs job bodies directly.</summary>
public static class JobsTestData
{
    /// <summary>amount (importance 0.6), country (0.2), noise (0.2): amount alone carries more than the default drift share.</summary>
    public static readonly object[] Features =
    [
        new { name = "amount", type = "numerical", min = 0, max = 1000, importance = 0.6 },
        new { name = "country", type = "categorical", categories = new[] { "DE", "FR" }, importance = 0.2 },
        new { name = "noise", type = "numerical", importance = 0.2 },
    ];

    public static async Task<string> NewModelAsync(HttpClient client, string taskType = "binary", object[]? features = null)
    {
        var name = "j-" + Guid.NewGuid().ToString("N")[..10];
        await CreateModelAsync(client, name, taskType, features ?? Features);
        return name;
    }

    /// <summary>Evenly spread values (i + ½)/n × width + offset: their KS distance to a shifted copy is exactly the shift / width.</summary>
    public static double[] Grid(int n, double width, double offset = 0) =>
        Enumerable.Range(0, n).Select(i => offset + ((i + 0.5) / n * width)).ToArray();

    /// <summary>The same values in a fixed shuffled order, so a column's order tells nothing about another's.</summary>
    public static double[] Shuffled(double[] values, int seed)
    {
        var copy = values.ToArray();
        new Random(seed).Shuffle(copy);
        return copy;
    }

    public static async Task UploadReferenceAsync(HttpClient client, string model, double[] amount, double[] noise)
    {
        var countries = Enumerable.Range(0, amount.Length).Select(i => i % 2 == 0 ? "DE" : "FR").ToArray();
        using var response = await client.PutAsJsonAsync($"/api/v1/models/{model}/reference", new { columns = new Dictionary<string, object> { ["amount"] = amount, ["country"] = countries, ["noise"] = noise } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Predictions with the three features, spread evenly over [from, to).</summary>
    public static async Task PostFeaturePredictionsAsync(HttpClient client, string model, double[] amount, double[] noise, DateTimeOffset from, DateTimeOffset to, string prefix)
    {
        var step = (to - from) / amount.Length;
        var items = amount.Select((a, i) => new JsonObject
        {
            ["predictionId"] = $"{prefix}-{i}",
            ["timestamp"] = Iso(from + (step * i)),
            ["features"] = new JsonObject { ["amount"] = a, ["country"] = i % 2 == 0 ? "DE" : "FR", ["noise"] = noise[i] },
            ["prediction"] = a > 50 ? 1 : 0,
            ["score"] = Math.Clamp(a / 200, 0, 1),
        });
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", items);
    }

    public static async Task PostItemsAsync(HttpClient client, string path, IEnumerable<JsonObject> items)
    {
        foreach (var batch in items.Chunk(5000))
        {
            var answer = await PostOkAsync(client, path, new JsonArray(batch.Select(JsonNode (i) => i).ToArray()).ToJsonString());
            Assert.True(answer["rejected"]!.AsArray().Count == 0, answer.ToJsonString());
        }
    }

    public static async Task PutDriftSettingsAsync(HttpClient client, string model, object settings)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/models/{model}/drift/settings", settings);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public static async Task<int> ModelIdAsync(PortalFactory factory, string model) =>
        await factory.WithServiceAsync<PortalDbContext, int>(db => db.Models.Where(m => m.Name == model).Select(m => m.Id).SingleAsync());

    /// <summary>Runs a job body the way Hangfire would, in its own scope, without a PerformContext.</summary>
    public static async Task RunAsync<TJob>(PortalFactory factory, string model, Func<TJob, int, Task> run) where TJob : notnull
    {
        var id = await ModelIdAsync(factory, model);
        await using var scope = factory.Services.CreateAsyncScope();
        await run(scope.ServiceProvider.GetRequiredService<TJob>(), id);
    }

    public static async Task<JobRun> LatestJobRunAsync(PortalFactory factory, string model, string jobType)
    {
        var id = await ModelIdAsync(factory, model);
        return await factory.WithServiceAsync<PortalDbContext, JobRun>(db =>
            db.JobRuns.AsNoTracking().Where(r => r.ModelId == id && r.JobType == jobType).OrderByDescending(r => r.Id).FirstAsync());
    }

    /// <summary>Every run of the job for the model, oldest first (a run the API enqueued may still be going next to the test's own).</summary>
    public static async Task<List<JobRun>> JobRunsAsync(PortalFactory factory, string model, string jobType)
    {
        var id = await ModelIdAsync(factory, model);
        return await factory.WithServiceAsync<PortalDbContext, List<JobRun>>(db =>
            db.JobRuns.AsNoTracking().Where(r => r.ModelId == id && r.JobType == jobType).OrderBy(r => r.Id).ToListAsync());
    }

    public static async Task<DriftRun> LatestDriftRunAsync(PortalFactory factory, string model)
    {
        var id = await ModelIdAsync(factory, model);
        return await factory.WithServiceAsync<PortalDbContext, DriftRun>(db =>
            db.DriftRuns.AsNoTracking().Include(r => r.FeatureResults).Where(r => r.ModelId == id).OrderByDescending(r => r.Id).FirstAsync());
    }

    public static async Task<JsonNode> GetJsonAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    public static async Task<(HttpStatusCode Status, JsonNode Body)> SendJsonAsync(HttpClient client, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!);
    }

    /// <summary>The start of the current UTC minute.</summary>
    public static DateTimeOffset ThisMinute()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
    }

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
