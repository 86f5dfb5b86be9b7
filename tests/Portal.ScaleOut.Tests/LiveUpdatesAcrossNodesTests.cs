using Portal.ScaleOut.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

[Collection(ClusterCollection.Name)]
public sealed class LiveUpdatesAcrossNodesTests(ClusterFixture cluster)
{
    // Only a guard against hanging: how fast a change travels is not a unit-test assertion (rule 4 in docs/testing.md).
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_prediction_ingested_on_node_A_reaches_clients_of_both_nodes_once()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "live");
        await using var onA = await ChangeStream.OpenAsync(cluster.A, cluster.ApiKey, model);
        await using var onB = await ChangeStream.OpenAsync(cluster.B, cluster.ApiKey, model);
        using var a = cluster.A.CreateClient(cluster.ApiKey);

        await Predictions.PostAsync(a, model, ["live-1", "live-2"], DateTimeOffset.UtcNow);
        Assert.NotNull(await onB.WaitForAsync(c => c.What.Contains("predictions"), Deadline));
        Assert.NotNull(await onA.WaitForAsync(c => c.What.Contains("predictions"), Deadline));

        // Nobody hears of one commit twice: not B (Redis), not A (its own message comes back from Redis and is ignored).
        // A later commit (labels) travels the same way after any echo of the first; once both clients have it, an echo
        // of the predictions would have arrived (alone, or merged into the labels change by the throttle).
        await PostLabelAsync(a, model, "live-1");
        Assert.NotNull(await onB.WaitForAsync(c => c.What.Contains("labels"), Deadline));
        Assert.NotNull(await onA.WaitForAsync(c => c.What.Contains("labels"), Deadline));
        Assert.Single(onB.Received, c => c.What.Contains("predictions"));
        Assert.Single(onA.Received, c => c.What.Contains("predictions"));
    }

    // The relay sends only this node's own changes (ILocalModelChanges): the Redis backplane carries them to the other nodes' clients.
    [Fact]
    public async Task A_hub_client_on_node_B_gets_a_prediction_ingested_on_node_A_once()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "hub");
        await using var onB = await LiveHubClient.ConnectAsync(cluster.B, cluster.ApiKey, model);
        using var a = cluster.A.CreateClient(cluster.ApiKey);

        await Predictions.PostAsync(a, model, ["hub-1"], DateTimeOffset.UtcNow);
        Assert.NotNull(await onB.WaitForAsync(c => c.Model == model && c.What.Contains("predictions"), Deadline));

        // As above: wait for a later change, then count. Two commits, two messages (a duplicate makes three, or makes
        // the second one carry "predictions" again).
        await PostLabelAsync(a, model, "hub-1");
        var later = await onB.WaitForAsync(c => c.Model == model && c.What.Contains("labels"), Deadline);
        Assert.NotNull(later);
        Assert.DoesNotContain("predictions", later.What);
        Assert.Equal(2, onB.Count);
    }

    private static async Task PostLabelAsync(HttpClient client, string model, string predictionId)
    {
        using var response = await client.PostAsync($"/api/v1/models/{model}/feedback", new StringContent(
            $$"""[{"predictionId": "{{predictionId}}", "label": 1}]""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
