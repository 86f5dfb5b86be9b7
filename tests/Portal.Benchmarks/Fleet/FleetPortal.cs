using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Portal.ScaleOut.Tests.Infrastructure;

namespace Portal.Benchmarks.Fleet;

/// <summary>
/// The portal under test: one node on a fresh SQLite file, or <see cref="FleetOptions.Nodes"/> nodes on a throw-away
/// PostgreSQL and Redis (Debian's, started here), each the published Release build as its own process, warnings only.
/// </summary>
internal sealed class FleetPortal : IAsyncDisposable
{
    public const string AdminEmail = "fleet-admin@portal.test";

    private readonly List<Process> processes = [];
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("portal-fleet-");
    private PostgresServer? postgres;
    private RedisServer? redis;

    public string Password { get; } = "fleet-pw-" + Guid.NewGuid().ToString("N");

    public List<HttpClient> Clients { get; } = [];

    public List<string> BaseUrls { get; } = [];

    public IReadOnlyList<Process> Processes => processes;

    private readonly Dictionary<string, string> environment = [];
    private int nodes = 1;
    private string dll = "";

    /// <summary>The database (and with PostgreSQL, Redis); no node runs yet.</summary>
    public static async Task<FleetPortal> CreateAsync(FleetOptions options)
    {
        var portal = new FleetPortal();
        portal.dll = await PublishedPortal.PublishAsync(Path.Combine(portal.folder.FullName, "published"));
        portal.environment["Portal__Bootstrap__AdminEmail"] = AdminEmail;
        portal.environment["Portal__Bootstrap__AdminPassword"] = portal.Password;
        if (options.Postgres)
        {
            portal.postgres = await PostgresServer.StartAsync(durable: true);
            portal.redis = await RedisServer.StartAsync();
            portal.environment["Portal__Database__Provider"] = "Postgres";
            portal.environment["ConnectionStrings__Portal"] = portal.postgres.ConnectionString();
            portal.environment["ConnectionStrings__Redis"] = portal.redis.ConnectionString;
            portal.nodes = options.Nodes;
        }
        else
        {
            portal.environment["ConnectionStrings__Portal"] = $"Data Source={Path.Combine(portal.folder.FullName, "portal.db")}";
        }

        return portal;
    }

    /// <summary>Starts the nodes, the quality job on <paramref name="qualityCron"/>; waits until each is healthy.</summary>
    public async Task StartNodesAsync(string qualityCron)
    {
        for (var node = 0; node < nodes; node++)
        {
            var port = ExternalProcess.FreePort();
            var process = IngestBenchmark.StartPortal(port, new Dictionary<string, string>(environment)
            {
                ["Portal__NodeName"] = $"node-{node + 1}",
                ["Portal__Jobs__QualityCron"] = qualityCron,
            }, dll);
            processes.Add(process);
            var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(120) };
            http.DefaultRequestHeaders.Add("X-Api-Key", IngestBenchmark.Key);
            Clients.Add(http);
            BaseUrls.Add($"http://127.0.0.1:{port}");
            await IngestBenchmark.WaitHealthyAsync(http, process);
        }
    }

    public async Task StopNodesAsync()
    {
        Clients.ForEach(c => c.Dispose());
        Clients.Clear();
        BaseUrls.Clear();
        foreach (var process in processes.Where(p => !p.HasExited))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        processes.Clear();
    }

    /// <summary>A model without traffic of its own, for the live-update probe (<see cref="FleetBrowsers"/>).</summary>
    public const string LiveModel = "fleet-live";

    /// <summary>Creates the models with their references, three alert rules and one SLO each, and the probe's model.</summary>
    public async Task SetUpAsync(FleetOptions options, int models)
    {
        await SendAsync(Clients[0], HttpMethod.Put, $"api/v1/models/{LiveModel}", JsonContent.Create(new { taskType = "binary", features = Array.Empty<object>() }));
        var reference = ReferenceCsv(options.ReferenceRows);
        await ForEachModelAsync(options, models, "set up (model, reference, 3 alert rules, 1 SLO)", (http, i) => SetUpModelAsync(http, i, reference));
        if (options.HistoryDays > 0)
        {
            var until = DateTimeOffset.UtcNow;
            await ForEachModelAsync(options, models, $"sent {options.HistoryDays} days of history (one prediction a minute)", async (http, i) =>
            {
                foreach (var body in FleetBodies.History(FleetOptions.TaskOf(i), i, until.AddDays(-options.HistoryDays), until))
                {
                    await SendAsync(http, HttpMethod.Post, $"api/v1/models/{FleetOptions.ModelName(i)}/predictions", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
                }
            });
        }
    }

    /// <summary>
    /// Each model's drift job every hour at <paramref name="minute"/>: the default hourly schedule, moved into the
    /// measured minutes.
    /// </summary>
    public Task ScheduleDriftAsync(FleetOptions options, int models, int minute) =>
        ForEachModelAsync(options, models, $"drift scheduled at minute {minute}", (http, i) =>
            SendAsync(http, HttpMethod.Put, $"api/v1/models/{FleetOptions.ModelName(i)}/drift/settings", JsonContent.Create(new { cron = $"{minute} * * * *", enabled = true })));

    private async Task ForEachModelAsync(FleetOptions options, int models, string what, Func<HttpClient, int, Task> work)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.SetupConcurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < models; i = Interlocked.Increment(ref next))
            {
                await work(Clients[i % Clients.Count], i);
                if (i > 0 && i % 100 == 0)
                {
                    Console.WriteLine($"  {i:N0} models {what} in {clock.Elapsed.TotalSeconds:F0} s");
                }
            }
        }));
        Console.WriteLine($"  {models:N0} models {what} in {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task SetUpModelAsync(HttpClient http, int i, byte[] reference)
    {
        var name = FleetOptions.ModelName(i);
        var task = FleetOptions.TaskOf(i);
        var features = Enumerable.Range(0, FleetOptions.Features).Select(f => new { name = $"f{f}", type = "numerical" });
        await SendAsync(http, HttpMethod.Put, $"api/v1/models/{name}", JsonContent.Create(new { taskType = task, versions = new[] { "v1" }, features }));
        await SendAsync(http, HttpMethod.Put, $"api/v1/models/{name}/reference", new ByteArrayContent(reference) { Headers = { ContentType = new("text/csv") } });
        await SendAsync(http, HttpMethod.Post, "api/v1/alert-rules", JsonContent.Create(new { name = $"{name} errors", model = name, metric = "errorRate", comparator = "greaterThan", threshold = 0.05, window = "5m", @for = "1m", severity = "warning" }));
        await SendAsync(http, HttpMethod.Post, "api/v1/alert-rules", JsonContent.Create(new { name = $"{name} slow", model = name, metric = "latencyP99", comparator = "greaterThan", threshold = 500, window = "5m", @for = "2m", severity = "warning" }));
        await SendAsync(http, HttpMethod.Post, "api/v1/alert-rules", JsonContent.Create(new { name = $"{name} drift", model = name, metric = "datasetDriftShare", comparator = "greaterThan", threshold = 0.5, window = "1h", severity = "info" }));
        await SendAsync(http, HttpMethod.Post, $"api/v1/models/{name}/slos", JsonContent.Create(new { name = "availability", kind = "errorRate", targetPercent = 99 }));
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Every model gets the same reference: 20 standard normal features (the traffic draws from the same).</summary>
    private static byte[] ReferenceCsv(int rows)
    {
        var random = new Random(20);
        var csv = new StringBuilder(string.Join(',', Enumerable.Range(0, FleetOptions.Features).Select(f => $"f{f}"))).Append('\n');
        for (var r = 0; r < rows; r++)
        {
            for (var f = 0; f < FleetOptions.Features; f++)
            {
                csv.Append(f == 0 ? "" : ",").Append(FleetBodies.Normal(random).ToString("F3", CultureInfo.InvariantCulture));
            }

            csv.Append('\n');
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await StopNodesAsync();

        if (redis is not null)
        {
            await redis.DisposeAsync();
        }

        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        folder.Delete(recursive: true);
    }
}
