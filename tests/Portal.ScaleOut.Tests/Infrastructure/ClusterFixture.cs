using System.Net.Http.Json;

namespace Portal.ScaleOut.Tests.Infrastructure;

/// <summary>Every scale-out test shares one cluster: put test classes in this collection.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}

/// <summary>
/// PostgreSQL and Redis from Debian's packages on free loopback ports in temporary folders, and two portal nodes (A and
/// B) on them, started at the same time (so the start-up lock is exercised): provider Postgres, the Redis connection,
/// demo off, a bootstrap admin (key and user), the retention job every 10 seconds (a real recurring job to count), alert
/// evaluation every 5 seconds, and the node's name (A, B, …) as <c>Portal:NodeName</c>.
/// <see cref="StartNodeAsync"/> starts more nodes on the same database and Redis (for the stop tests).
/// Everything is stopped and deleted on dispose.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string RetentionCron = "*/10 * * * * *";

    /// <summary>Alert rules are evaluated this often (a real recurring job, run by whichever node's Hangfire takes it).</summary>
    public const int AlertEvaluationSeconds = 5;

    public const string AdminEmail = "scale-admin@portal.test";

    private readonly List<PortalNode> nodes = [];

    public string ApiKey { get; } = "scale-key-" + Guid.NewGuid().ToString("N");

    public PostgresServer Postgres { get; private set; } = default!;

    public RedisServer Redis { get; private set; } = default!;

    public string AdminPassword => "scale-admin-password-" + ApiKey;

    /// <summary>Debian's Chromium, started on first use.</summary>
    public ClusterBrowser Browser { get; } = new();

    public PortalNode A { get; private set; } = default!;

    public PortalNode B { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        var postgres = PostgresServer.StartAsync();
        var redis = RedisServer.StartAsync();
        Postgres = await postgres;
        Redis = await redis;
        A = NewNode("A");
        B = NewNode("B");
        A.Start();
        B.Start();
        await Task.WhenAll(A.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120)), B.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120)));
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
            WriteLog(node);
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }

    /// <summary>Another node on the same PostgreSQL and Redis, started and healthy.</summary>
    public async Task<PortalNode> StartNodeAsync(string name)
    {
        var node = NewNode(name);
        node.Start();
        await node.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120));
        return node;
    }

    /// <summary>Creates a binary model with two features through <paramref name="node"/> and returns its name.</summary>
    public async Task<string> CreateModelAsync(PortalNode node, string prefix)
    {
        var model = $"{prefix}-{Guid.NewGuid().ToString("N")[..12]}";
        using var client = node.CreateClient(ApiKey);
        var response = await client.PutAsJsonAsync($"/api/v1/models/{model}", new
        {
            taskType = "binary",
            versions = new[] { "v1" },
            features = new object[]
            {
                new { name = "amount", type = "numerical", min = 0, max = 1000 },
                new { name = "country", type = "categorical", categories = new[] { "DE", "FR" } },
            },
        });
        Assert.True(response.IsSuccessStatusCode, $"PUT model: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return model;
    }

    /// <summary>
    /// A node (not started) with the cluster's settings as changed by <paramref name="change"/> (another database or
    /// Redis, no bootstrap admin, …); stopped with the fixture.
    /// </summary>
    public PortalNode CreateNode(string name, Action<Dictionary<string, string>> change)
    {
        var environment = NodeEnvironment(name);
        change(environment);
        var node = new PortalNode(name, environment);
        nodes.Add(node);
        return node;
    }

    private PortalNode NewNode(string name) => CreateNode(name, _ => { });

    private Dictionary<string, string> NodeEnvironment(string name) =>
        new()
        {
            ["Portal__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Portal"] = Postgres.ConnectionString(),
            ["ConnectionStrings__Redis"] = Redis.ConnectionString,
            ["Portal__Demo__Enabled"] = "false",
            ["Portal__Bootstrap__ApiKey"] = ApiKey,
            ["Portal__Bootstrap__AdminEmail"] = AdminEmail,
            ["Portal__Bootstrap__AdminPassword"] = AdminPassword,
            ["Portal__Retention__Cron"] = RetentionCron,
            ["Portal__Alerting__EvaluationSeconds"] = AlertEvaluationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Portal__NodeName"] = name,
            ["Portal__DataProtection__KeyEncryptionKey"] = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", // the same on every node, as in production
        };

    private static void WriteLog(PortalNode node)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "logs");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"node-{node.Name}.log"), node.Log);
    }
}
