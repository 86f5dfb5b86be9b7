using System.Diagnostics;
using Npgsql;
using Portal.ScaleOut.Tests.Infrastructure;

namespace Portal.Benchmarks;

/// <summary>
/// Ingestion throughput on PostgreSQL with one and with two portal nodes, against SQLite in the same run.
/// <list type="number">
/// <item>SQLite: one node on a SQLite file (WAL, synchronous=FULL), the baseline.</item>
/// <item>PostgreSQL, 1 node: Debian's PostgreSQL on loopback with its durable defaults (fsync, synchronous_commit on),
/// Redis beside it, one node.</item>
/// <item>PostgreSQL, 2 nodes: a second node on the same database and Redis; the senders are split between the nodes.</item>
/// </list>
/// Each phase: 5 s warm-up, then <c>--concurrency</c> senders per node post batches of 1,000 predictions (the bodies of
/// the <c>ingest</c> mode) back to back for <c>--seconds</c>; the rate counts acknowledged predictions. Every node,
/// PostgreSQL and Redis run on this same machine as the load generator.
/// </summary>
public static class IngestPostgresBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = IngestBenchmark.Option(args, "--seconds", 20);
        var concurrency = IngestBenchmark.Option(args, "--concurrency", 4);
        Console.WriteLine($"Ingestion on PostgreSQL, 1 and 2 nodes, SQLite baseline: {Environment.ProcessorCount} cores, {seconds} s per phase, {concurrency} senders per node");
        var bodies = new IngestBenchmark.BatchBodies(DateTimeOffset.UtcNow);

        var folder = Directory.CreateTempSubdirectory("portal-bench-pg-");
        var sqlite = new IngestBenchmark.Phase(0, 1, double.NaN, double.NaN, double.NaN, 0);
        try
        {
            if (!args.Contains("--skip-sqlite"))
            {
                sqlite = await RunNodesAsync(bodies, seconds, concurrency, [new Dictionary<string, string> { ["ConnectionStrings__Portal"] = $"Data Source={Path.Combine(folder.FullName, "portal.db")}" }], null);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }

        Console.WriteLine($"SQLite, 1 node: {sqlite.Rate:N0}/s (p50 {sqlite.P50:F1} ms, p99 {sqlite.P99:F1} ms, errors {sqlite.Errors})");

        await using var postgres = await PostgresServer.StartAsync(durable: true);
        await using var redis = await RedisServer.StartAsync();
        Console.WriteLine($"PostgreSQL on 127.0.0.1:{postgres.Port} (database portal, user portal), Redis on {redis.ConnectionString}");
        var node = new Dictionary<string, string>
        {
            ["Portal__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Portal"] = postgres.ConnectionString(),
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
        };
        var one = await RunNodesAsync(bodies, seconds, concurrency, [node], postgres);
        Console.WriteLine($"PostgreSQL, 1 node: {one.Rate:N0}/s (p50 {one.P50:F1} ms, p99 {one.P99:F1} ms, errors {one.Errors})");
        var two = await RunNodesAsync(bodies, seconds, concurrency, [node, node], postgres);
        Console.WriteLine($"PostgreSQL, 2 nodes: {two.Rate:N0}/s (p50 {two.P50:F1} ms, p99 {two.P99:F1} ms, errors {two.Errors})");

        Console.WriteLine();
        Console.WriteLine("| measure | SQLite, 1 node | PostgreSQL, 1 node | PostgreSQL, 2 nodes |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| acknowledged predictions/s ({seconds} s, {concurrency} senders per node) | {sqlite.Rate:N0} | {one.Rate:N0} | {two.Rate:N0} |");
        Console.WriteLine($"| ratio to SQLite | 1 | {one.Rate / sqlite.Rate:F2} | {two.Rate / sqlite.Rate:F2} |");
        Console.WriteLine($"| request latency p50 / p99 (ms) | {sqlite.P50:F1} / {sqlite.P99:F1} | {one.P50:F1} / {one.P99:F1} | {two.P50:F1} / {two.P99:F1} |");
        Console.WriteLine($"| errors | {sqlite.Errors} | {one.Errors} | {two.Errors} |");
        return sqlite.Errors + one.Errors + two.Errors == 0 ? 0 : 1;
    }

    /// <summary>Starts one portal per environment, warms up, measures, checks every acknowledged row is stored (PostgreSQL), stops them.</summary>
    private static async Task<IngestBenchmark.Phase> RunNodesAsync(
        IngestBenchmark.BatchBodies bodies, int seconds, int concurrency, IReadOnlyList<Dictionary<string, string>> nodes, PostgresServer? postgres)
    {
        var servers = new List<Process>();
        var clients = new List<HttpClient>();
        try
        {
            foreach (var environment in nodes)
            {
                var port = ExternalProcess.FreePort();
                var server = IngestBenchmark.StartPortal(port, environment);
                servers.Add(server);
                var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
                http.DefaultRequestHeaders.Add("X-Api-Key", IngestBenchmark.Key);
                clients.Add(http);
                await IngestBenchmark.WaitHealthyAsync(http, server);
            }

            await IngestBenchmark.CreateModelAsync(clients[0]);
            var before = postgres is null ? 0 : await CountAsync(postgres);
            await Task.WhenAll(clients.Select(c => IngestBenchmark.RunClosedLoopAsync(c, bodies, concurrency, TimeSpan.FromSeconds(5))));
            var phases = await Task.WhenAll(clients.Select(c => IngestBenchmark.RunClosedLoopAsync(c, bodies, concurrency, TimeSpan.FromSeconds(seconds))));
            var accepted = phases.Sum(p => p.Accepted);
            if (postgres is not null)
            {
                var stored = await CountAsync(postgres) - before;
                Console.WriteLine($"  stored {stored:N0} rows for {accepted:N0} acknowledged in the measured phase (warm-up included in the rows): {(stored >= accepted ? "every acknowledged prediction stored" : "MISSING ROWS")}");
            }

            return new IngestBenchmark.Phase(
                accepted, phases.Max(p => p.Seconds), phases.Max(p => p.P50), phases.Max(p => p.P99), phases.Max(p => p.Max), phases.Sum(p => p.Errors));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            foreach (var server in servers.Where(s => !s.HasExited))
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
            }
        }
    }

    private static async Task<long> CountAsync(PostgresServer postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM \"PredictionEvents\"", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
