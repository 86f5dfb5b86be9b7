using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.ScaleOut.Tests.Infrastructure;
using Portal.Web.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

/// <summary>
/// Redis holds nothing that must survive: when it crashes and comes back (empty), the running nodes connect and
/// subscribe again by themselves — the change fan-out (<c>portal:model-changes</c>), the SignalR backplane and the cache
/// evictions (<c>portal:cluster-events</c>) work again without restarting a node.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RedisRestartTests(ClusterFixture cluster)
{
    /// <summary>Reconnecting takes StackExchange.Redis a few seconds (its heartbeat and backoff): wait generously.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task After_Redis_restarts_node_B_hears_of_node_A_changes_again_and_forgets_a_key_revoked_on_A_without_restarting()
    {
        var model = await cluster.CreateModelAsync(cluster.A, "restart");
        await using var stream = await ChangeStream.OpenAsync(cluster.B, cluster.ApiKey, model);
        await using var hub = await LiveHubClient.ConnectAsync(cluster.B, cluster.ApiKey, model);
        using var a = cluster.A.CreateClient(cluster.ApiKey);

        await cluster.Redis.StopAsync();
        try
        {
            // Without Redis the nodes go on serving: A takes predictions and B answers.
            var failuresBefore = PublishFailures();
            await Predictions.PostAsync(a, model, ["while-down"], DateTimeOffset.UtcNow);
            Assert.Equal(1, await Predictions.SummaryCountAsync(cluster.B, cluster.ApiKey, model));

            // Down long enough that A's attempt to send that change to the other nodes failed (its client gave up).
            var failures = await Eventually.PollAsync(() => PublishFailures() - failuresBefore, n => n > 0, Generous);
            Assert.True(failures > 0, "node A never noticed that Redis was down");
        }
        finally
        {
            await cluster.Redis.StartAgainAsync();
        }

        // Nothing is posted on B, so whatever B's clients receive came from A through the restarted Redis (a change A
        // tried to send while it was down counts too: B must be subscribed again to get it). Post on A until they hear.
        var sent = 0;
        var changed = await Eventually.PollAsync<ReceivedChange?>(async () =>
        {
            await Predictions.PostAsync(a, model, [$"after-{++sent}"], DateTimeOffset.UtcNow);
            return await stream.WaitForAsync(c => c.What.Contains("predictions"), TimeSpan.FromSeconds(2));
        }, c => c is not null, Generous);
        Assert.True(changed is not null, $"node B's change stream heard nothing of node A after Redis restarted ({sent} posts)");
        var relayed = await Eventually.PollAsync<ReceivedChange?>(async () =>
        {
            await Predictions.PostAsync(a, model, [$"after-{++sent}"], DateTimeOffset.UtcNow);
            return await hub.WaitForAsync(c => c.Model == model && c.What.Contains("predictions"), TimeSpan.FromSeconds(2));
        }, c => c is not null, Generous);
        Assert.True(relayed is not null, $"node B's hub client heard nothing of node A after Redis restarted ({sent} posts)");

        // Evictions too: a key B has cached (for 30 s) and A revokes stops working on B at once.
        var created = await a.PostAsJsonAsync("/api/v1/api-keys", new { name = "after the restart", scope = model });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        using var withKeyOnB = cluster.B.CreateClient(json.RootElement.GetProperty("key").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await withKeyOnB.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await a.DeleteAsync($"/api/v1/api-keys/{json.RootElement.GetProperty("apiKey").GetProperty("id").GetInt32()}")).StatusCode);
        var status = await Eventually.PollAsync(async () => (await withKeyOnB.GetAsync("/api/v1/me")).StatusCode, s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private int PublishFailures() => Regex.Count(cluster.A.Log, "Model changes could not be sent to the other nodes over Redis");
}
