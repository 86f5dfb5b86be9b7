using System.Collections.Concurrent;
using Portal.ScaleOut.Tests.Infrastructure;

namespace Portal.ScaleOut.Tests;

[Collection(ClusterCollection.Name)]
public sealed class StoppingANodeTests(ClusterFixture cluster)
{
    /// <summary>
    /// A third node takes a stream of batches from three senders; after the first acknowledgements it is stopped
    /// (SIGTERM: drain and exit; SIGKILL: crash). Every prediction id it acknowledged (a 200 answer) must be in the database.
    /// </summary>
    [Theory]
    [InlineData("SIGTERM")]
    [InlineData("SIGKILL")]
    public async Task Stopping_a_node_while_a_client_streams_to_it_loses_no_acknowledged_prediction(string how)
    {
        var model = await cluster.CreateModelAsync(cluster.A, "stop");
        var node = await cluster.StartNodeAsync("C-" + how);
        var acknowledged = new ConcurrentQueue<string>();
        var signalled = false;
        using var client = node.CreateClient(cluster.ApiKey, TimeSpan.FromSeconds(30));
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var senders = Enumerable.Range(0, 3).Select(sender => Task.Run(async () =>
        {
            for (var batch = 0; !bound.IsCancellationRequested; batch++)
            {
                var ids = Enumerable.Range(0, 100).Select(i => $"{how}-{sender}-{batch}-{i}").ToList();
                Predictions.Answer answer;
                try
                {
                    answer = await Predictions.PostAsync(client, model, ids, DateTimeOffset.UtcNow, bound.Token);
                }
                catch (Exception e) when (Volatile.Read(ref signalled) && e is HttpRequestException or IOException or OperationCanceledException)
                {
                    return; // refused, reset, 503 or cut off once the node is going away: not acknowledged, so the client would retry
                }

                // Outside the try: an answered request must have taken the whole batch, before or after the signal.
                Assert.Equal(ids.Count, answer.Accepted);
                ids.ForEach(acknowledged.Enqueue);
            }
        })).ToList();

        var warm = DateTime.UtcNow.AddSeconds(30);
        while (acknowledged.Count < 600 && DateTime.UtcNow < warm && senders.All(s => !s.IsCompleted))
        {
            await Task.Delay(50);
        }

        Volatile.Write(ref signalled, true);
        node.Signal(how == "SIGTERM" ? ExternalProcess.SigTerm : ExternalProcess.SigKill);
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"node {node.Name} did not exit");
        await Task.WhenAll(senders);

        var ids = acknowledged.ToArray();
        Assert.True(ids.Length >= 600, $"only {ids.Length} predictions were acknowledged before the stop");
        var stored = await cluster.Postgres.ScalarAsync<long>(
            """SELECT count(*) FROM "PredictionEvents" p JOIN "Models" m ON m."Id" = p."ModelId" WHERE m."Name" = @model AND p."PredictionId" = ANY(@ids)""",
            ("model", model), ("ids", ids));
        Assert.Equal(ids.Length, stored);
    }
}
