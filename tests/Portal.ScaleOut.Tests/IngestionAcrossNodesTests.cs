using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.ScaleOut.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

[Collection(ClusterCollection.Name)]
public sealed class IngestionAcrossNodesTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Predictions_sent_to_both_nodes_at_once_are_acknowledged_stored_once_and_counted_alike_by_both()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "both");
        var now = DateTimeOffset.UtcNow;
        var lastMinute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 30, TimeSpan.Zero).AddMinutes(-1);
        using var a = cluster.A.CreateClient(cluster.ApiKey);
        using var b = cluster.B.CreateClient(cluster.ApiKey);

        // 10 rounds; in each, 8 senders (4 per node) post 100 predictions of a minute no one has written yet, at once:
        // both nodes' writers create and update the same new rollup rows at the same time.
        var accepted = 0;
        for (var round = 0; round < 10; round++)
        {
            var timestamp = lastMinute.AddMinutes(-round);
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(sender =>
                Predictions.PostAsync(sender % 2 == 0 ? a : b, model, Enumerable.Range(0, 100).Select(i => $"r{round}-s{sender}-{i}"), timestamp)));
            accepted += answers.Sum(x => x.Accepted);
        }

        Assert.Equal(8_000, accepted);

        // Sent through A before, repeated through B: all duplicates, nothing stored twice.
        var again = await Predictions.PostAsync(b, model, Enumerable.Range(0, 100).Select(i => $"r0-s0-{i}"), lastMinute);
        Assert.Equal((0, 100), (again.Accepted, again.Duplicates));

        Assert.Equal(8_000, await cluster.Postgres.ScalarAsync<long>(
            """SELECT count(*) FROM "PredictionEvents" p JOIN "Models" m ON m."Id" = p."ModelId" WHERE m."Name" = @model""", ("model", model)));
        Assert.Equal(8_000, await cluster.Postgres.ScalarAsync<long>(
            """SELECT coalesce(sum(r."Count"), 0) FROM "PredictionRollups" r JOIN "Models" m ON m."Id" = r."ModelId" WHERE m."Name" = @model""", ("model", model)));
        Assert.Equal(10, await cluster.Postgres.ScalarAsync<long>(
            """SELECT count(*) FROM "PredictionRollups" r JOIN "Models" m ON m."Id" = r."ModelId" WHERE m."Name" = @model AND r."Count" = 800""", ("model", model)));
        Assert.Equal(8_000, await cluster.Postgres.ScalarAsync<long>(
            """SELECT coalesce(sum(r."Count"), 0) FROM "FeatureRollups" r JOIN "Models" m ON m."Id" = r."ModelId" WHERE m."Name" = @model AND r."Feature" = 'amount'""", ("model", model)));
        Assert.Equal(8_000, await cluster.Postgres.ScalarAsync<long>(
            """SELECT coalesce(sum(r."Count"), 0) FROM "PredictionHourRollups" r JOIN "Models" m ON m."Id" = r."ModelId" WHERE m."Name" = @model""", ("model", model)));
        Assert.Equal(8_000, await Predictions.SummaryCountAsync(cluster.A, cluster.ApiKey, model));
        Assert.Equal(8_000, await Predictions.SummaryCountAsync(cluster.B, cluster.ApiKey, model));
    }

    [Fact]
    public async Task Labels_sent_to_both_nodes_at_once_add_up_in_the_confusion_pairs()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "pairs");
        var now = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 30, TimeSpan.Zero).AddMinutes(-1);
        using var a = cluster.A.CreateClient(cluster.ApiKey);
        using var b = cluster.B.CreateClient(cluster.ApiKey);
        // 800 predictions of one minute (predicted i % 2), then 8 senders (4 per node) label 100 each at once, in two
        // rounds so the second round adds to pair rows the first created: every label lands on one of the same 4 pair rows.
        for (var sender = 0; sender < 8; sender++)
        {
            await Predictions.PostAsync(a, model, Enumerable.Range(0, 100).Select(i => $"s{sender}-{i}"), minute);
        }

        for (var round = 0; round < 2; round++)
        {
            var r = round;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async sender =>
            {
                var labels = Enumerable.Range(r * 50, 50).Select(i => new { predictionId = $"s{sender}-{i}", label = i % 3 == 0 ? 1 : 0 });
                using var response = await (sender % 2 == 0 ? a : b).PostAsJsonAsync($"/api/v1/models/{model}/feedback", labels);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }));
        }

        async Task<long> Pair(string actual, string predicted) => await cluster.Postgres.ScalarAsync<long>(
            """SELECT coalesce(sum(r."Count"), 0) FROM "ConfusionRollups" r JOIN "Models" m ON m."Id" = r."ModelId" WHERE m."Name" = @model AND r."TrueClass" = @t AND r."PredictedClass" = @p""",
            ("model", model), ("t", actual), ("p", predicted));
        var expected = Enumerable.Range(0, 100).GroupBy(i => (Actual: i % 3 == 0 ? "1" : "0", Predicted: i % 2 == 0 ? "0" : "1")).ToDictionary(g => g.Key, g => 8L * g.Count());
        foreach (var ((actual, predicted), count) in expected)
        {
            Assert.Equal(count, await Pair(actual, predicted));
        }

        Assert.Equal(4, await cluster.Postgres.ScalarAsync<long>(
            """SELECT count(*) FROM "ConfusionRollups" r JOIN "Models" m ON m."Id" = r."ModelId" WHERE m."Name" = @model""", ("model", model)));
        Assert.Equal(800, await cluster.Postgres.ScalarAsync<long>(
            """SELECT coalesce(sum(r."Labelled"), 0) FROM "QualityRollups" r JOIN "Models" m ON m."Id" = r."ModelId" WHERE m."Name" = @model""", ("model", model)));
        Assert.Equal(800, await cluster.Postgres.ScalarAsync<long>(
            """SELECT coalesce(sum(r."Labelled"), 0) FROM "QualityHourRollups" r JOIN "Models" m ON m."Id" = r."ModelId" WHERE m."Name" = @model""", ("model", model)));
    }

    [Fact]
    public async Task A_model_created_on_one_node_takes_predictions_on_the_other_at_once()
    {
        using var b = cluster.B.CreateClient(cluster.ApiKey);
        var name = $"late-{Guid.NewGuid().ToString("N")[..12]}";

        // B looks the model up first (and remembers that it does not exist), then A creates it.
        var before = await b.PostAsJsonAsync($"/api/v1/models/{name}/predictions", Predictions.Batch(["x-1"], DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        using var a = cluster.A.CreateClient(cluster.ApiKey);
        Assert.True((await a.PutAsJsonAsync($"/api/v1/models/{name}", new { taskType = "binary" })).IsSuccessStatusCode);

        var status = await PollAsync(TimeSpan.FromSeconds(2), async () =>
            (await b.PostAsJsonAsync($"/api/v1/models/{name}/predictions", Predictions.Batch(["x-1"], DateTimeOffset.UtcNow))).StatusCode,
            s => s == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task An_api_key_revoked_on_one_node_stops_working_on_the_other_within_2_seconds()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "revoke");
        using var adminA = cluster.A.CreateClient(cluster.ApiKey);
        var created = await adminA.PostAsJsonAsync("/api/v1/api-keys", new { name = "revocation test", scope = model });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var key = json.RootElement.GetProperty("key").GetString()!;
        var id = json.RootElement.GetProperty("apiKey").GetProperty("id").GetInt32();

        // B validates the key once and caches it (30 s).
        using var withKeyOnB = cluster.B.CreateClient(key);
        Assert.Equal(HttpStatusCode.OK, (await withKeyOnB.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await adminA.DeleteAsync($"/api/v1/api-keys/{id}")).StatusCode);

        var status = await PollAsync(TimeSpan.FromSeconds(2), async () => (await withKeyOnB.GetAsync("/api/v1/me")).StatusCode, s => s == HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private static async Task<T> PollAsync<T>(TimeSpan within, Func<Task<T>> probe, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}
