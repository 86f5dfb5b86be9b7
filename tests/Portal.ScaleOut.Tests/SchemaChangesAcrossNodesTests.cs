using System.Net.Http.Json;
using System.Text.Json;
using Portal.ScaleOut.Tests.Infrastructure;
using Portal.Web.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SchemaChangesAcrossNodesTests(ClusterFixture cluster)
{
    /// <summary>
    /// Node B caches a model's schema for its ingestion (10 s). A feature added through node A must be checked by B's
    /// validation at once: A tells B over Redis (<c>portal:cluster-events</c>) to forget the model.
    /// </summary>
    [Fact]
    public async Task A_feature_added_through_node_A_is_validated_by_node_B_within_2_seconds()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "schema");
        using var a = cluster.A.CreateClient(cluster.ApiKey);
        using var b = cluster.B.CreateClient(cluster.ApiKey);

        // "age" is not in the schema yet: B stores the text as an untyped feature (and now caches the schema).
        var before = await PostAgeAsync(b, model, "before");
        Assert.True(before.Accepted == 1, $"before the change: {before.Body}");

        var changed = await a.PutAsJsonAsync($"/api/v1/models/{model}", new
        {
            features = new object[]
            {
                new { name = "amount", type = "numerical", min = 0, max = 1000 },
                new { name = "country", type = "categorical", categories = new[] { "DE", "FR" } },
                new { name = "age", type = "numerical", min = 0, max = 130 },
            },
        });
        Assert.True(changed.IsSuccessStatusCode, $"PUT model: {(int)changed.StatusCode} {await changed.Content.ReadAsStringAsync()}");

        // Now "age" is numerical: B must refuse the text, naming the field, well before its cache would expire.
        var attempt = 0;
        var after = await Eventually.PollAsync(() => PostAgeAsync(b, model, $"after-{++attempt}"), r => r.Accepted == 0, TimeSpan.FromSeconds(2));
        Assert.True(after.Accepted == 0, $"node B still validates against the old schema: {after.Body}");
        Assert.Contains("features.age", after.Body);
    }

    private sealed record Answer(int Accepted, string Body);

    /// <summary>One prediction whose "age" is a text; the answer is 200 whether the item is taken or rejected.</summary>
    private static async Task<Answer> PostAgeAsync(HttpClient client, string model, string id)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/models/{model}/predictions", new[]
        {
            new { predictionId = id, timestamp = DateTimeOffset.UtcNow.ToString("O"), modelVersion = "v1", features = new { amount = 10.0, country = "DE", age = "old" }, prediction = 1, score = 0.7 },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST predictions: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return new Answer(json.RootElement.GetProperty("accepted").GetInt32(), body);
    }
}
