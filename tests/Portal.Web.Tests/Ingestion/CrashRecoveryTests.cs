using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Portal.Client;
using Portal.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Web.Tests.Ingestion;

/// <summary>
/// Durability against the real server process: a client streams predictions while the server is killed with
/// SIGKILL (or stopped with SIGTERM); every predictionId the server acknowledged must be on disk afterwards.
/// </summary>
[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // portal processes on a SQLite file (PostgreSQL: Portal.ScaleOut.Tests, StoppingANodeTests).
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "crash-test-admin-key";
    private const string Model = "crash-model";
    private readonly string databaseFile = Path.Combine(Path.GetTempPath(), $"portal-crash-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Every_acknowledged_prediction_survives_kill_9()
    {
        using var server = new PortalProcess(databaseFile, Key);
        await server.StartAsync();
        await using var client = NewClient(server);
        await client.PutModelAsync(Model, new ModelDefinition { TaskType = "binary", Features = [new() { Name = "x", Type = "numerical" }] });
        var acknowledged = Track(client);
        using var stream = new Streamer(client);

        await WaitUntil(() => acknowledged.Count >= 3_000, TimeSpan.FromSeconds(60), "no acknowledgements before the kill");
        server.Kill();
        var atKill = acknowledged.Count;
        output.WriteLine($"killed with {atKill} acknowledged, {stream.Enqueued} enqueued");
        await Task.Delay(1000);

        // The client keeps its address, so the new process listens on the same port.
        using var restarted = new PortalProcess(databaseFile, Key, server.Port);
        await restarted.StartAsync();
        await WaitUntil(() => acknowledged.Count >= atKill + 3_000, TimeSpan.FromSeconds(90), "no acknowledgements after the restart");
        await stream.StopAsync();
        await client.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);

        var stored = StoredIds();
        output.WriteLine($"enqueued {stream.Enqueued}, acknowledged {acknowledged.Count}, stored {stored.Count}, client duplicates {client.Stats.Duplicates}");
        var missing = acknowledged.Keys.Where(id => !stored.Contains(id)).Take(5).ToList();
        Assert.True(missing.Count == 0, $"acknowledged but not stored: {string.Join(", ", missing)}");
        Assert.Equal(stream.Enqueued, acknowledged.Count);
        Assert.Equal(stream.Enqueued, stored.Count);
        Assert.Equal(0, client.Stats.Dropped);
    }

    [Fact]
    public async Task Sigterm_drains_the_queue_and_commits_before_exit()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var server = new PortalProcess(databaseFile, Key);
        await server.StartAsync();
        output.WriteLine($"started after {clock.ElapsedMilliseconds} ms");
        await using var client = NewClient(server);
        await client.PutModelAsync(Model, new ModelDefinition { TaskType = "binary" });
        var acknowledged = Track(client);
        using var stream = new Streamer(client);

        await WaitUntil(() => acknowledged.Count >= 3_000, TimeSpan.FromSeconds(60), "no acknowledgements");
        output.WriteLine($"SIGTERM after {clock.ElapsedMilliseconds} ms");
        var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"exited after {clock.ElapsedMilliseconds} ms");
        await stream.StopAsync();
        var ackedWhileRunning = acknowledged.Keys.ToList();
        output.WriteLine($"exit code {exitCode}, acknowledged {ackedWhileRunning.Count}");

        Assert.Equal(0, exitCode);
        Assert.Contains("Ingestion writer drained and stopped", server.Log);
        var stored = StoredIds();
        Assert.All(ackedWhileRunning, id => Assert.Contains(id, stored));
    }

    private static PortalClient NewClient(PortalProcess server) => new(new PortalClientOptions
    {
        BaseAddress = server.BaseAddress,
        ApiKey = Key,
        BatchSize = 250,
        FlushInterval = TimeSpan.FromMilliseconds(50),
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(100),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        MaxBufferedItems = 50_000,
        CloseTimeout = TimeSpan.FromSeconds(1),
    });

    /// <summary>predictionIds of every batch the server answered 200 (accepted or duplicate: both mean stored).</summary>
    private static ConcurrentDictionary<string, byte> Track(PortalClient client)
    {
        var acknowledged = new ConcurrentDictionary<string, byte>();
        client.BatchCompleted += outcome =>
        {
            if (outcome.Result is { } result)
            {
                var rejected = result.Rejected.Select(r => r.Index).ToHashSet();
                for (var i = 0; i < outcome.Items.Count; i++)
                {
                    if (!rejected.Contains(i))
                    {
                        acknowledged.TryAdd(((PredictionEvent)outcome.Items[i]).PredictionId, 0);
                    }
                }
            }
        };
        return acknowledged;
    }

    private HashSet<string> StoredIds()
    {
        using var connection = new SqliteConnection($"Data Source={databaseFile};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT p.\"PredictionId\" FROM \"PredictionEvents\" p JOIN \"Models\" m ON m.\"Id\" = p.\"ModelId\" WHERE m.\"Name\" = $model";
        command.Parameters.AddWithValue("$model", Model);
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>Enqueues predictions with fresh ids as fast as the client's buffer takes them (kept under 5,000 buffered).</summary>
    private sealed class Streamer : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private long enqueued;

        public Streamer(PortalClient client)
        {
            loop = Task.Run(async () =>
            {
                var random = new Random(7);
                while (!stop.IsCancellationRequested)
                {
                    if (client.BufferedItems > 5_000)
                    {
                        await Task.Delay(2);
                        continue;
                    }

                    var id = $"c-{enqueued}";
                    var prediction = new PredictionEvent
                    {
                        PredictionId = id,
                        Prediction = random.Next(2),
                        Score = Math.Round(random.NextDouble(), 3),
                        LatencyMs = 5,
                        Features = new Dictionary<string, object?> { ["x"] = random.NextDouble() },
                    };
                    if (client.EnqueuePrediction(Model, prediction))
                    {
                        Interlocked.Increment(ref enqueued);
                    }
                }
            });
        }

        public long Enqueued => Interlocked.Read(ref enqueued);

        public async Task StopAsync()
        {
            await stop.CancelAsync();
            await loop;
        }

        public void Dispose()
        {
            stop.Cancel();
            stop.Dispose();
        }
    }
}
