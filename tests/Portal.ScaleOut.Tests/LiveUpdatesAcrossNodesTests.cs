using Portal.ScaleOut.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

[Collection(ClusterCollection.Name)]
public sealed class LiveUpdatesAcrossNodesTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_prediction_ingested_on_node_A_reaches_clients_of_both_nodes_within_2_seconds_once()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "live");
        await using var onA = await ChangeStream.OpenAsync(cluster.A, cluster.ApiKey, model);
        await using var onB = await ChangeStream.OpenAsync(cluster.B, cluster.ApiKey, model);
        using var a = cluster.A.CreateClient(cluster.ApiKey);

        var sentAtB = onB.Now;
        var sentAtA = onA.Now;
        await Predictions.PostAsync(a, model, ["live-1", "live-2"], DateTimeOffset.UtcNow);

        var seenOnB = await onB.WaitForAsync(c => c.What.Contains("predictions"), Within);
        var seenOnA = await onA.WaitForAsync(c => c.What.Contains("predictions"), Within);
        Assert.NotNull(seenOnB);
        Assert.NotNull(seenOnA);
        Assert.True(seenOnB.ArrivedAfterOpen - sentAtB <= Within, $"node B heard of it {(seenOnB.ArrivedAfterOpen - sentAtB).TotalMilliseconds:F0} ms after the post began");
        Assert.True(seenOnA.ArrivedAfterOpen - sentAtA <= Within);

        // Nobody hears of one commit twice: not B (Redis), not A (its own message comes back from Redis and is ignored).
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(onB.Received, c => c.What.Contains("predictions"));
        Assert.Single(onA.Received, c => c.What.Contains("predictions"));
    }

    // The relay sends only this node's own changes (ILocalModelChanges): the Redis backplane carries them to the other nodes' clients.
    [Fact]
    public async Task A_hub_client_on_node_B_gets_a_prediction_ingested_on_node_A_within_2_seconds_once()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "hub");
        await using var onB = await LiveHubClient.ConnectAsync(cluster.B, cluster.ApiKey, model);
        using var a = cluster.A.CreateClient(cluster.ApiKey);

        var sentAt = onB.Now;
        await Predictions.PostAsync(a, model, ["hub-1"], DateTimeOffset.UtcNow);

        var seen = await onB.WaitForAsync(c => c.Model == model && c.What.Contains("predictions"), Within);
        Assert.NotNull(seen);
        Assert.True(seen.ArrivedAfterOpen - sentAt <= Within);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(1, onB.Count);
    }
}
