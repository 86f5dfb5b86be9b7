using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Portal.Benchmarks;

/// <summary>
/// Ingestion throughput and acknowledgement latency of the real portal process over loopback HTTP:
/// batches of 1,000 predictions with 10 numerical + 2 categorical features.
/// <list type="number">
/// <item>Sustained: <c>--concurrency</c> senders post as fast as they are answered for <c>--seconds</c> (after a 5 s warm-up).</item>
/// <item>Half rate: an open-loop sender paced at half the sustained rate for <c>--half-seconds</c>; p50/p99 acknowledgement.</item>
/// <item>Baseline: the same rows inserted into the same table with one prepared statement (raw Microsoft.Data.Sqlite),
/// same WAL + synchronous=FULL, one transaction per 1,000-row batch (and, for reference, per 20,000 rows).</item>
/// </list>
/// Every run is bounded in time; the portal process is stopped at the end.
/// </summary>
public static class IngestBenchmark
{
    private const int BatchSize = 1_000;
    internal const string Key = "bench-admin-key";
    private const string Model = "bench";
    private const int Templates = 32;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 30);
        var halfSeconds = Option(args, "--half-seconds", 15);
        var concurrency = Option(args, "--concurrency", 4);
        var baselineRows = Option(args, "--baseline-rows", 400_000);
        var folder = Directory.CreateTempSubdirectory("portal-bench-");
        var database = Path.Combine(folder.FullName, "portal.db");
        var port = ExternalProcess.FreePort();
        Console.WriteLine($"Portal ingestion benchmark: {Environment.ProcessorCount} cores, {seconds} s sustained, {halfSeconds} s at half rate, concurrency {concurrency}");

        using var server = StartPortal(database, port);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Add("X-Api-Key", Key);
            await WaitHealthyAsync(http, server);
            await CreateModelAsync(http);
            var bodies = new BatchBodies(DateTimeOffset.UtcNow);

            await RunClosedLoopAsync(http, bodies, concurrency, TimeSpan.FromSeconds(5));
            var sustained = await RunClosedLoopAsync(http, bodies, concurrency, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"sustained: {sustained.Accepted:N0} predictions acknowledged in {sustained.Seconds:F1} s = {sustained.Rate:N0}/s "
                + $"(requests p50 {sustained.P50:F1} ms, p99 {sustained.P99:F1} ms, errors {sustained.Errors})");

            var half = await RunOpenLoopAsync(http, bodies, sustained.Rate / 2, TimeSpan.FromSeconds(halfSeconds));
            Console.WriteLine($"half rate: {half.Rate:N0}/s offered {sustained.Rate / 2:N0}/s; acknowledgement p50 {half.P50:F1} ms, p99 {half.P99:F1} ms, max {half.Max:F1} ms (errors {half.Errors})");

            var stored = CountStored(database);
            Console.WriteLine($"stored rows: {stored:N0} (every acknowledged prediction: {stored >= sustained.Accepted + half.Accepted})");

            var raw = RawSqliteBaseline(database, folder.FullName, bodies, baselineRows, 1_000);
            var rawBig = RawSqliteBaseline(database, folder.FullName, bodies, baselineRows, 20_000);
            Console.WriteLine($"raw SQLite prepared INSERT, same rows and table: {raw:N0}/s (1 transaction per 1,000 rows), {rawBig:N0}/s (per 20,000 rows)");
            Console.WriteLine($"ratio portal / raw: {sustained.Rate / raw:F2} (per-batch transactions), {sustained.Rate / rawBig:F2} (20,000-row transactions)");
            Console.WriteLine();
            Console.WriteLine("| measure | value |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| sustained acknowledged predictions/s ({seconds} s, {concurrency} senders) | {sustained.Rate:N0} |");
            Console.WriteLine($"| request latency at full load p50 / p99 (ms) | {sustained.P50:F1} / {sustained.P99:F1} |");
            Console.WriteLine($"| acknowledgement at half rate ({half.Rate:N0}/s) p50 / p99 / max (ms) | {half.P50:F1} / {half.P99:F1} / {half.Max:F1} |");
            Console.WriteLine($"| raw SQLite prepared insert, 1,000-row transactions (rows/s) | {raw:N0} |");
            Console.WriteLine($"| raw SQLite prepared insert, 20,000-row transactions (rows/s) | {rawBig:N0} |");
            Console.WriteLine($"| ratio portal / raw (1,000 / 20,000) | {sustained.Rate / raw:F2} / {sustained.Rate / rawBig:F2} |");
            return 0;
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
            }

            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    internal sealed record Phase(long Accepted, double Seconds, double P50, double P99, double Max, int Errors)
    {
        public double Rate => Accepted / Seconds;
    }

    /// <summary><paramref name="concurrency"/> senders, each posting the next batch as soon as the last was answered.</summary>
    internal static async Task<Phase> RunClosedLoopAsync(HttpClient http, BatchBodies bodies, int concurrency, TimeSpan duration)
    {
        var latencies = new List<double>();
        long accepted = 0;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var senders = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var (ok, ms, n) = await PostAsync(http, bodies.Next());
                lock (latencies)
                {
                    latencies.Add(ms);
                    accepted += n;
                    errors += ok ? 0 : 1;
                }
            }
        }));
        await Task.WhenAll(senders);
        return Summarise(latencies, accepted, clock.Elapsed.TotalSeconds, errors);
    }

    /// <summary>Batches sent on a fixed schedule whatever the answers (open loop), so queueing shows in the latency.</summary>
    private static async Task<Phase> RunOpenLoopAsync(HttpClient http, BatchBodies bodies, double rate, TimeSpan duration)
    {
        var latencies = new List<double>();
        long accepted = 0;
        var errors = 0;
        var interval = TimeSpan.FromSeconds(BatchSize / rate);
        var clock = Stopwatch.StartNew();
        var sends = new List<Task>();
        for (var next = TimeSpan.Zero; next < duration; next += interval)
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var body = bodies.Next();
            sends.Add(Task.Run(async () =>
            {
                var (ok, ms, n) = await PostAsync(http, body);
                lock (latencies)
                {
                    latencies.Add(ms);
                    accepted += n;
                    errors += ok ? 0 : 1;
                }
            }));
        }

        await Task.WhenAll(sends);
        return Summarise(latencies, accepted, duration.TotalSeconds, errors);
    }

    private static Phase Summarise(List<double> latencies, long accepted, double seconds, int errors)
    {
        latencies.Sort();
        double At(double q) => latencies.Count == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Count - 1, Math.Round(q * (latencies.Count - 1)))];
        return new Phase(accepted, seconds, At(0.5), At(0.99), latencies.Count == 0 ? double.NaN : latencies[^1], errors);
    }

    private static async Task<(bool Ok, double Ms, long Accepted)> PostAsync(HttpClient http, byte[] body)
    {
        var clock = Stopwatch.StartNew();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync($"api/v1/models/{Model}/predictions", content);
        var text = await response.Content.ReadAsStringAsync();
        var ms = clock.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (false, ms, 0);
        }

        var at = text.IndexOf("\"accepted\":", StringComparison.Ordinal) + 11;
        var end = text.IndexOf(',', at);
        return (true, ms, long.Parse(text.AsSpan(at, end - at), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// JSON bodies of 1,000 predictions made from a few random templates; each call patches fresh, fixed-width
    /// predictionIds into a copy, so every prediction is new (no duplicates) at almost no client CPU.
    /// </summary>
    internal sealed class BatchBodies
    {
        private readonly IdTemplates templates = new();
        private long batch;

        public BatchBodies(DateTimeOffset timestamp)
        {
            var random = new Random(42);
            string[] countries = ["DE", "FR", "US", "GB", "NL", "ES"];
            string[] devices = ["mobile", "web", "pos"];
            for (var t = 0; t < Templates; t++)
            {
                var json = new StringBuilder("[");
                for (var i = 0; i < BatchSize; i++)
                {
                    var score = random.NextDouble();
                    json.Append(i == 0 ? "" : ",").Append("{\"predictionId\":\"").Append(IdTemplates.Placeholder).Append('-').Append(i.ToString("D4", CultureInfo.InvariantCulture))
                        .Append("\",\"timestamp\":\"").Append(timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
                        .Append("\",\"modelVersion\":\"").Append(i % 5 == 0 ? "v2" : "v1").Append("\",\"features\":{");
                    for (var f = 0; f < 10; f++)
                    {
                        json.Append("\"f").Append(f).Append("\":").Append((random.NextDouble() * 100 * (f + 1)).ToString("F3", CultureInfo.InvariantCulture)).Append(',');
                    }

                    json.Append("\"country\":\"").Append(countries[random.Next(countries.Length)]).Append("\",\"device\":\"").Append(devices[random.Next(devices.Length)])
                        .Append("\"},\"prediction\":").Append(score >= 0.5 ? 1 : 0).Append(",\"score\":").Append(score.ToString("F4", CultureInfo.InvariantCulture))
                        .Append(",\"latencyMs\":").Append((5 + (random.NextDouble() * 20)).ToString("F2", CultureInfo.InvariantCulture))
                        .Append(",\"segment\":\"").Append(devices[random.Next(devices.Length)]).Append("\"}");
                }

                templates.Add(json.Append(']').ToString());
            }
        }

        public byte[] Next()
        {
            var n = Interlocked.Increment(ref batch);
            return templates.Patch((int)(n % Templates), n);
        }

        /// <summary>All rows the bodies would produce, as (predictionId, features JSON, score, latency, …) for the baseline.</summary>
        public IEnumerable<byte[]> Bodies(int count)
        {
            for (var i = 0; i < count; i++)
            {
                yield return Next();
            }
        }
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> prediction rows (the same values the portal stores, parsed from the same bodies
    /// beforehand, so only the insert is timed) into a copy of the portal's PredictionEvents table and indexes.
    /// </summary>
    private static double RawSqliteBaseline(string portalDatabase, string folder, BatchBodies bodies, int rows, int rowsPerTransaction)
    {
        var file = Path.Combine(folder, $"raw-{rowsPerTransaction}.db");
        var ddl = new List<string>();
        using (var source = new SqliteConnection($"Data Source={portalDatabase};Mode=ReadOnly;Pooling=False"))
        {
            source.Open();
            using var command = source.CreateCommand();
            command.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name = 'PredictionEvents' AND sql IS NOT NULL ORDER BY type DESC";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ddl.Add(reader.GetString(0));
            }
        }

        var items = ParseRows(bodies, rows);
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; " + string.Join(";\n", ddl) + ";";
            setup.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO \"PredictionEvents\" (\"ModelId\", \"PredictionId\", \"TimestampMs\", \"ModelVersion\", \"Segment\", \"ExperimentId\", \"Variant\", \"Prediction\", \"PredictionValue\", \"Score\", \"Probabilities\", \"LatencyMs\", \"Error\", \"Features\", \"SchemaViolations\", \"ReceivedAtMs\") "
            + "VALUES (@p0, @p1, @p2, @p3, @p4, NULL, NULL, @p5, @p6, @p7, NULL, @p8, NULL, @p9, 0, @p10) ON CONFLICT (\"ModelId\", \"PredictionId\") DO NOTHING";
        var p = Enumerable.Range(0, 11).Select(i => insert.Parameters.Add(new SqliteParameter($"@p{i}", null))).ToArray();
        insert.Prepare();
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < items.Count; start += rowsPerTransaction)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var i = start; i < Math.Min(items.Count, start + rowsPerTransaction); i++)
            {
                var row = items[i];
                p[0].Value = 1;
                p[1].Value = row.Id;
                p[2].Value = row.Timestamp;
                p[3].Value = row.Version;
                p[4].Value = row.Segment;
                p[5].Value = row.Prediction;
                p[6].Value = row.PredictionValue;
                p[7].Value = row.Score;
                p[8].Value = row.Latency;
                p[9].Value = row.Features;
                p[10].Value = row.Timestamp;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return items.Count / clock.Elapsed.TotalSeconds;
    }

    private sealed record RawRow(string Id, long Timestamp, string Version, string Segment, string Prediction, double PredictionValue, double Score, double Latency, byte[] Features);

    private static List<RawRow> ParseRows(BatchBodies bodies, int rows)
    {
        var result = new List<RawRow>(rows);
        foreach (var body in bodies.Bodies((rows + BatchSize - 1) / BatchSize))
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            foreach (var item in document.RootElement.EnumerateArray())
            {
                result.Add(new RawRow(
                    item.GetProperty("predictionId").GetString()!,
                    item.GetProperty("timestamp").GetDateTimeOffset().ToUnixTimeMilliseconds(),
                    item.GetProperty("modelVersion").GetString()!,
                    item.GetProperty("segment").GetString()!,
                    item.GetProperty("prediction").GetRawText(),
                    item.GetProperty("prediction").GetDouble(),
                    item.GetProperty("score").GetDouble(),
                    item.GetProperty("latencyMs").GetDouble(),
                    Encoding.UTF8.GetBytes(item.GetProperty("features").GetRawText())));
            }
        }

        return result;
    }

    internal static Process StartPortal(string database, int port) => StartPortal(port, new Dictionary<string, string> { ["ConnectionStrings__Portal"] = $"Data Source={database}" });

    /// <summary>
    /// <paramref name="dll"/> (by default the Release Portal.Web.dll next to this program) on <paramref name="port"/>,
    /// demo off, the bench key, warnings only, started from this program's folder.
    /// </summary>
    internal static Process StartPortal(int port, IReadOnlyDictionary<string, string> environment, string? dll = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { dll ?? Path.Combine(AppContext.BaseDirectory, "Portal.Web.dll"), "--urls", $"http://127.0.0.1:{port}" },
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["Portal__Bootstrap__ApiKey"] = Key;
        start.Environment["Portal__Demo__Enabled"] = "false";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Portal__DataProtection__KeyEncryptionKey"] = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="; // Production refuses an unencrypted key ring
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Forward(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            Console.Error.WriteLine("  [portal] " + line);
        }
    }

    internal static async Task WaitHealthyAsync(HttpClient http, Process server)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with {server.ExitCode}.");
            }

            try
            {
                using var response = await http.GetAsync("healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not up yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The portal did not become healthy in 120 s.");
    }

    internal static async Task CreateModelAsync(HttpClient http)
    {
        var features = string.Join(",", Enumerable.Range(0, 10).Select(f => $$"""{"name": "f{{f}}", "type": "numerical", "min": 0, "max": {{100 * (f + 1)}}}"""));
        var body = $$"""{"taskType": "binary", "features": [{{features}}, {"name": "country", "type": "categorical", "categories": ["DE", "FR", "US", "GB", "NL", "ES"]}, {"name": "device", "type": "categorical"}]}""";
        using var response = await http.PutAsync($"api/v1/models/{Model}", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    private static long CountStored(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM \"PredictionEvents\"";
        return (long)command.ExecuteScalar()!;
    }


    internal static int Option(string[] args, string name, int defaultValue)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : defaultValue;
    }
}
