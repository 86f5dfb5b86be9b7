using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Portal.ScaleOut.Tests.Infrastructure;
using Portal.Web.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

/// <summary>
/// Every node runs its own streaming detectors on the predictions it ingests. When the same shift reaches both nodes
/// at once, both detect it at the same moment: the cluster must still store one possible-drift event per model,
/// detector and signal (within the de-duplication window), counted once in the nodes' metrics.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class PossibleDriftAcrossNodesTests(ClusterFixture cluster)
{
    private const int Models = 4;

    [Fact]
    public async Task A_shift_detected_by_both_nodes_at_once_is_stored_and_counted_once_per_model_detector_and_signal()
    {
        var models = new List<string>();
        for (var i = 0; i < Models; i++)
        {
            models.Add(await cluster.CreateModelAsync(cluster.A, "drift"));
        }

        var markerA = await cluster.CreateModelAsync(cluster.A, "marker-a");
        var markerB = await cluster.CreateModelAsync(cluster.A, "marker-b");
        using var a = cluster.A.CreateClient(cluster.ApiKey);
        using var b = cluster.B.CreateClient(cluster.ApiKey);

        // The same scores, batch by batch, to both nodes at the same time: mean 0.2 for 600 predictions, then 0.8.
        for (var batch = 0; batch < Batches; batch++)
        {
            var current = batch;
            await Task.WhenAll(models.SelectMany((model, m) => new[]
            {
                PostAsync(a, model, $"a-{current}", Scores(m, current)),
                PostAsync(b, model, $"b-{current}", Scores(m, current)),
            }));
        }

        // The positive signal: a marker model fed to one node only, after everything else, has its events. Each node's
        // detectors take values in the order they were committed and store a round's signals before the next round,
        // so by then both nodes have detected (and stored, or dropped as duplicates) the shifts above.
        for (var batch = 0; batch < Batches; batch++)
        {
            await Task.WhenAll(PostAsync(a, markerA, $"a-{batch}", Scores(0, batch)), PostAsync(b, markerB, $"b-{batch}", Scores(0, batch)));
        }

        foreach (var marker in new[] { markerA, markerB })
        {
            var seen = await Eventually.PollAsync(() => EventsAsync(marker), e => e.Contains("page-hinkley/score") && e.Contains("adwin/score"), TimeSpan.FromSeconds(90));
            Assert.True(seen.Contains("page-hinkley/score") && seen.Contains("adwin/score"), $"{marker}: no events of both detectors ({string.Join(", ", seen)})");
        }

        var metrics = await MetricsAsync(cluster.A) + "\n" + await MetricsAsync(cluster.B);
        foreach (var model in models)
        {
            var events = await EventsAsync(model);
            Assert.True(events.Order().SequenceEqual(["adwin/score", "page-hinkley/score"]), $"{model}: stored {string.Join(", ", events.Order())}");
            foreach (var detector in new[] { "adwin", "page-hinkley" })
            {
                Assert.Equal(1, StoredCount(metrics, model, detector));
            }
        }
    }

    private const int Batches = 10;

    /// <summary>Batch <paramref name="batch"/> of 100 scores (the first 6 around 0.2, the others around 0.8), the same for both nodes.</summary>
    private static double[] Scores(int model, int batch)
    {
        var random = new Random((model * 1000) + batch);
        var mean = batch < 6 ? 0.2 : 0.8;
        return [.. Enumerable.Range(0, 100).Select(_ => Math.Round(mean + ((random.NextDouble() - 0.5) * 0.1), 4))];
    }

    private static async Task PostAsync(HttpClient client, string model, string prefix, double[] scores)
    {
        var now = DateTimeOffset.UtcNow.ToString("O");
        using var response = await client.PostAsJsonAsync($"/api/v1/models/{model}/predictions", scores.Select((score, i) => new
        {
            predictionId = $"{prefix}-{i}",
            timestamp = now,
            modelVersion = "v1",
            features = new { amount = 10.0 + i, country = "DE" },
            prediction = score >= 0.5 ? 1 : 0,
            score,
        }));
        Assert.True(response.IsSuccessStatusCode, $"POST predictions: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The stored events of a model as "detector/signal", one entry per row.</summary>
    private async Task<List<string>> EventsAsync(string model)
    {
        await using var connection = await cluster.Postgres.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            """SELECT e."Detector" || '/' || e."Signal" FROM "PossibleDriftEvents" e JOIN "Models" m ON m."Id" = e."ModelId" WHERE m."Name" = @model""", connection);
        command.Parameters.AddWithValue("model", model);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<string>();
        while (await reader.ReadAsync())
        {
            events.Add(reader.GetString(0));
        }

        return events;
    }

    private static async Task<string> MetricsAsync(PortalNode node)
    {
        using var client = node.CreateClient();
        return await client.GetStringAsync("/metrics");
    }

    /// <summary>ml_possible_drift_events_total of a model's score signal, summed over the nodes' expositions.</summary>
    private static double StoredCount(string metrics, string model, string detector) =>
        MetricLine().Matches(metrics)
            .Where(m => m.Groups["model"].Value == model && m.Groups["detector"].Value == detector && m.Groups["signal"].Value == "score")
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex("""^ml_possible_drift_events_total\{model_name="(?<model>[^"]+)",detector="(?<detector>[^"]+)",signal="(?<signal>[^"]+)"\} (?<value>\S+)$""", RegexOptions.Multiline)]
    private static partial Regex MetricLine();
}
