using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Ingestion;

/// <summary>PUT /api/v1/models/{model} (admin) and GET …/summary (rollups only).</summary>
public sealed class ModelApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private readonly HttpClient client = factory.CreateApiClient();

    private static string NewName() => "mdl-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<(HttpStatusCode Status, JsonNode Body)> PutAsync(string model, object body, HttpClient? with = null)
    {
        using var response = await (with ?? client).PutAsJsonAsync($"/api/v1/models/{model}", body);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Put_creates_then_updates_and_get_returns_the_schema()
    {
        var model = NewName();
        var (created, body) = await PutAsync(model, new
        {
            taskType = "multiclass",
            description = "Routes tickets",
            owner = "ml-team",
            versions = new[] { "v1" },
            features = new object[]
            {
                new { name = "length", type = "numerical", min = 0, importance = 0.7 },
                new { name = "language", type = "categorical", categories = new[] { "en", "de" } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("multiclass", body["taskType"]!.GetValue<string>());
        Assert.Equal(2, body["features"]!.AsArray().Count);

        var (updated, after) = await PutAsync(model, new { owner = "new-owner", features = new object[] { new { name = "length", type = "numerical", max = 5000 } } });
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal("new-owner", after["owner"]!.GetValue<string>());
        Assert.Equal("Routes tickets", after["description"]!.GetValue<string>());
        Assert.Single(after["features"]!.AsArray());

        var fetched = JsonNode.Parse(await client.GetStringAsync($"/api/v1/models/{model}"))!;
        Assert.Equal(5000, fetched["features"]![0]!["max"]!.GetValue<double>());
        Assert.Equal("v1", fetched["versions"]![0]!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Schema_change_applies_to_the_next_request()
    {
        var model = NewName();
        await PutAsync(model, new { taskType = "binary", features = new object[] { new { name = "x", type = "numerical" } } });
        var first = await PostOkAsync(client, $"/api/v1/models/{model}/predictions", """{"predictionId": "1", "prediction": 1, "features": {"x": "abc"}}""");
        Assert.Single(first["rejected"]!.AsArray());
        await PutAsync(model, new { features = new object[] { new { name = "x", type = "categorical" } } });
        var second = await PostOkAsync(client, $"/api/v1/models/{model}/predictions", """{"predictionId": "2", "prediction": 1, "features": {"x": "abc"}}""");
        Assert.Equal(1, second["accepted"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"owner": "x"}""", "taskType")]
    [InlineData("""{"taskType": "ranking"}""", "taskType")]
    [InlineData("""{"taskType": "binary", "features": [{"name": "a", "type": "numerical"}, {"name": "b", "type": "text"}]}""", "features[1].type")]
    [InlineData("""{"taskType": "binary", "features": [{"type": "numerical"}]}""", "features[0].name")]
    [InlineData("""{"taskType": "binary", "features": [{"name": "a", "type": "numerical", "min": 5, "max": 1}]}""", "features[0].min")]
    [InlineData("""{"taskType": "binary", "features": [{"name": "a", "type": "numerical"}, {"name": "a", "type": "categorical"}]}""", "features")]
    [InlineData("""{"taskType": "binary", "lowConfidenceThreshold": 2}""", "lowConfidenceThreshold")]
    [InlineData("""{"taskType": "binary", "features": {"a": 1}}""", "features")]
    public async Task Invalid_model_body_names_the_field(string json, string field)
    {
        using var response = await client.PutAsync($"/api/v1/models/{NewName()}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body["errors"]?[field] is not null, body.ToJsonString());
    }

    [Fact]
    public async Task Invalid_model_name_is_400()
    {
        var (status, body) = await PutAsync("bad name!", new { taskType = "binary" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(body["errors"]!["model"]);
    }

    [Fact]
    public async Task Model_scoped_key_may_not_put_models()
    {
        var model = NewName();
        using var scoped = factory.CreateApiClient(PortalFactory.ScopedKey(model));
        var (status, _) = await PutAsync(model, new { taskType = "binary" }, scoped);
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Summary_reads_red_figures_from_rollups()
    {
        var model = NewName();
        await PutAsync(model, new { taskType = "binary", features = new object[] { new { name = "amount", type = "numerical", max = 100 }, new { name = "country", type = "categorical", categories = new[] { "DE" } } } });
        var latencies = Enumerable.Range(1, 200).Select(i => (double)i).ToArray();
        var items = latencies.Select((l, i) => new
        {
            predictionId = $"s{i}",
            modelVersion = i % 2 == 0 ? "v1" : "v2",
            prediction = i % 4 == 0 ? 1 : 0,
            score = i % 4 == 0 ? 0.95 : 0.45,
            latencyMs = l,
            features = new Dictionary<string, object?> { ["amount"] = i % 10 == 0 ? null : (object)(i % 150), ["country"] = i % 3 == 0 ? "FR" : "DE" },
        });
        using (var response = await client.PostAsJsonAsync($"/api/v1/models/{model}/predictions", items))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var summary = await SummaryAsync(client, model);
        Assert.Equal(200, summary["predictions"]!.GetValue<long>());
        var latency = summary["latencyMs"]!;
        Assert.Equal(0.02, latency["relativeError"]!.GetValue<double>());
        Assert.InRange(latency["p50"]!.GetValue<double>(), 100 * 0.98, 101 * 1.02);
        Assert.InRange(latency["p99"]!.GetValue<double>(), 198 * 0.98, 199 * 1.02);
        Assert.Equal(200, latency["max"]!.GetValue<double>());
        Assert.Equal(50, summary["classCounts"]!["1"]!.GetValue<long>());
        Assert.Equal(150, summary["lowConfidence"]!.GetValue<long>());
        Assert.Equal(200, summary["scores"]!["histogram"]!.AsArray().Sum(b => b!.GetValue<long>()));
        Assert.Equal(2, summary["versions"]!.AsArray().Count);
        var amount = summary["features"]![0]!;
        Assert.Equal("amount", amount["name"]!.GetValue<string>());
        Assert.Equal(20, amount["missing"]!.GetValue<long>());
        Assert.True(amount["outOfRange"]!.GetValue<long>() > 0);
        var country = summary["features"]![1]!;
        Assert.Equal(67, country["newCategories"]!.GetValue<long>());
    }

    [Fact]
    public async Task Model_scoped_key_lists_and_reads_only_its_model()
    {
        var mine = NewName();
        var other = NewName();
        await PutAsync(mine, new { taskType = "binary" });
        await PutAsync(other, new { taskType = "binary" });
        using var scoped = factory.CreateApiClient(PortalFactory.ScopedKey(mine));
        var list = JsonNode.Parse(await scoped.GetStringAsync("/api/v1/models"))!.AsArray();
        Assert.Equal([mine], list.Select(m => m!["name"]!.GetValue<string>()));
        using var response = await scoped.GetAsync($"/api/v1/models/{other}");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Summary_window_is_validated()
    {
        var model = NewName();
        await PutAsync(model, new { taskType = "binary" });
        using var response = await client.GetAsync($"/api/v1/models/{model}/summary?window=forever");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["window"]);
    }
}
