using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Web.Features.Experiments;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Ingestion;

namespace Portal.Web.Tests.Experiments;

/// <summary>Helpers for the experiment API tests: a model, an experiment definition, lifecycle calls and data.</summary>
public static class ExperimentApi
{
    public static string NewId(string prefix = "exp") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    /// <summary>A model with versions v1, v2, v3 (binary classifier).</summary>
    public static async Task<string> CreateModelAsync(PortalFactory factory, string taskType = "binary")
    {
        var model = "m-" + Guid.NewGuid().ToString("N")[..10];
        using var client = factory.CreateApiClient();
        using var response = await client.PutAsJsonAsync($"/api/v1/models/{model}", new { taskType, versions = new[] { "v1", "v2", "v3" } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return model;
    }

    /// <summary>
    /// Control v1 / treatment v2 at 50/50, conversion primary from observations at baseline 0.5 with a 50 % MDE
    /// (59 units per arm at α 0.05, power 0.8), one look (fixed horizon) unless changed: 1 look is the fixed-horizon
    /// mode, more are O'Brien–Fleming looks, and <paramref name="mode"/> names another mode (e.g. "sequential").
    /// </summary>
    public static JsonObject Definition(string id, string model, int looks = 1, double controlShare = 50, string? mode = null) => new()
    {
        ["id"] = id,
        ["name"] = "Checkout button " + id,
        ["hypothesis"] = "v2 converts better",
        ["model"] = model,
        ["unitType"] = "user",
        ["arms"] = new JsonArray(
            new JsonObject { ["name"] = "control", ["modelVersion"] = "v1", ["share"] = controlShare, ["control"] = true },
            new JsonObject { ["name"] = "treatment", ["modelVersion"] = "v2", ["share"] = 100 - controlShare }),
        ["metrics"] = new JsonArray(new JsonObject { ["name"] = "checkout", ["role"] = "primary", ["kind"] = "conversion" }),
        ["alpha"] = 0.05,
        ["power"] = 0.8,
        ["minimumDetectableEffect"] = 0.5,
        ["baselineValue"] = 0.5,
        ["looks"] = looks,
        ["analysisMode"] = mode ?? (looks == 1 ? "fixedHorizon" : "groupSequential"),
    };

    public static async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(HttpClient client, HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null || method == HttpMethod.Post)
        {
            // A JSON client even without a body: a signed-in POST needs a non-form content type (docs/security.md, CSRF).
            request.Content = new StringContent(body?.ToJsonString() ?? "", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!);
    }

    public static async Task<JsonNode> OkAsync(HttpClient client, HttpMethod method, string path, JsonNode? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, answer) = await SendAsync(client, method, path, body);
        Assert.True(status == expected, $"{method} {path}: expected {(int)expected}, got {(int)status}: {answer.ToJsonString()}");
        return answer;
    }

    /// <summary>Creates and starts the experiment with the admin key.</summary>
    public static async Task StartAsync(PortalFactory factory, JsonObject definition)
    {
        using var admin = factory.CreateApiClient();
        await OkAsync(admin, HttpMethod.Post, "/api/v1/experiments", definition, HttpStatusCode.Created);
        await OkAsync(admin, HttpMethod.Post, $"/api/v1/experiments/{definition["id"]}/start");
    }

    /// <summary>Posts observations (admin key) in batches and checks that every one was accepted.</summary>
    public static async Task ObserveAsync(PortalFactory factory, string id, IEnumerable<object> observations)
    {
        using var admin = factory.CreateApiClient();
        foreach (var batch in observations.Chunk(5000))
        {
            var answer = await IngestionApi.PostOkAsync(admin, $"/api/v1/experiments/{id}/observations", JsonSerializer.Serialize(batch));
            Assert.Equal(batch.Length, answer["accepted"]!.GetValue<int>());
        }
    }

    /// <summary>Conversions: <paramref name="successes"/> ones then zeros, units named per arm.</summary>
    public static IEnumerable<object> Conversions(string variant, int units, int successes, string metric = "checkout") =>
        Enumerable.Range(0, units).Select(i => (object)new { unitId = $"{variant}-{i}", variant, value = i < successes ? 1 : 0, metric });

    public static async Task<JsonNode> AnalyseAsync(PortalFactory factory, string id)
    {
        using var admin = factory.CreateApiClient();
        return await OkAsync(admin, HttpMethod.Post, $"/api/v1/experiments/{id}/analyses");
    }

    public static async Task<T> WithDbAsync<T>(PortalFactory factory, Func<PortalDbContext, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    public static Task<int> AnalysisCountAsync(PortalFactory factory, string id) =>
        WithDbAsync(factory, db => db.ExperimentAnalyses.CountAsync(a => a.ExperimentId == id));

    public static ExperimentResult Result(JsonNode analysis) => ExperimentJson.Deserialize<ExperimentResult>(analysis.ToJsonString());
}
