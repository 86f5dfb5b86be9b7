using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Rollups;
using Portal.Web.Features.Dashboards;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Benchmarks;

/// <summary>
/// How fast the health tab loads with 10M stored predictions. Seeds a temporary SQLite file with the per-minute rollups of
/// <c>--predictions</c> predictions spread over <c>--days</c> days and <c>--versions</c> versions (one model), the quality
/// rollups of 30 % labelled, and the raw PredictionEvent rows of the last <c>--raw-hours</c> (for the baseline only; the
/// page never reads them). Measures, per window, in the same run:
/// <list type="number">
/// <item>the health tab's data load: <see cref="HealthDashboard.LoadTrafficAsync(PortalDbContext, ModelHeader, TimeRange, string?, CancellationToken)"/>
/// + <c>LoadAccuracyAsync</c>, exactly what the component calls, on a fresh DbContext each time;</item>
/// <item>the baseline: the same traffic aggregates (count, errors, rate vs last week, exact p50/p95/p99, per-bucket series)
/// computed by reading the window's raw PredictionEvent rows;</item>
/// <item>the page over HTTP: the real portal process on the same file, <c>GET /models/bench?tab=health</c> (server
/// prerender, which runs the same load) with an admin API key.</item>
/// </list>
/// </summary>
public static class HealthBenchmark
{
    private const string Model = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var predictions = (long)IngestBenchmark.Option(args, "--predictions", 10_000_000);
        var days = IngestBenchmark.Option(args, "--days", 31);
        var versions = IngestBenchmark.Option(args, "--versions", 2);
        var rawHours = IngestBenchmark.Option(args, "--raw-hours", 24);
        var runs = IngestBenchmark.Option(args, "--runs", 20);
        var folder = Directory.CreateTempSubdirectory("portal-health-bench-");
        var database = Path.Combine(folder.FullName, "portal.db");
        Console.WriteLine($"Portal health tab benchmark: {Environment.ProcessorCount} cores, {predictions:N0} predictions over {days} days, {versions} versions, raw rows of the last {rawHours} h");
        try
        {
            await using var services = Services(database);
            await services.MigratePortalDatabaseAsync();
            var clock = Stopwatch.StartNew();
            var now = DateTimeOffset.UtcNow;
            var (modelId, rollupRows, rawRows) = await SeedAsync(services, database, now, predictions, days, versions, rawHours);
            Console.WriteLine($"seeded {rollupRows:N0} prediction rollup rows (+ as many quality rows, and their hour rows) and {rawRows:N0} raw rows in {clock.Elapsed.TotalSeconds:F0} s; file {new FileInfo(database).Length / 1048576.0:F0} MB");

            var header = new ModelHeader(modelId, Model, ModelTaskType.Binary, null, null, [.. Enumerable.Range(1, versions).Select(v => $"v{v}")], []);
            var rows = new List<string>();
            foreach (var key in new[] { "1h", "24h", "7d", "30d" })
            {
                var window = DashboardWindow.Parse(key);
                var range = window.At(now);
                async Task<long> LoadAsync()
                {
                    await using var scope = services.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                    var traffic = await HealthDashboard.LoadTrafficAsync(db, header, range, null, CancellationToken.None);
                    var accuracy = await HealthDashboard.LoadAccuracyAsync(db, header, range, null, CancellationToken.None);
                    // Everything the cards show, so the two passes below can be checked against each other.
                    return HashCode.Combine(traffic.Predictions, traffic.LastWeekPredictions, traffic.Errors, traffic.P95, traffic.P99, accuracy.Labelled, accuracy.Value, accuracy.Predictions);
                }

                // The same load reading minute rows only (the code before hour rollups): the baseline of this run.
                RollupQueries.ReadHourRows = false;
                var minutesOnly = await TimeAsync(runs, LoadAsync);
                RollupQueries.ReadHourRows = true;
                var load = await TimeAsync(runs, LoadAsync);
                if (load.Result != minutesOnly.Result)
                {
                    throw new InvalidOperationException($"{key}: the health figures from hour rows differ from those of minute rows.");
                }

                long predictionsInWindow;
                await using (var scope = services.CreateAsyncScope())
                {
                    predictionsInWindow = (await HealthDashboard.LoadTrafficAsync(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), header, range, null, CancellationToken.None)).Predictions;
                }

                string baselineText = "—", ratio = "—";
                if (window.Span <= TimeSpan.FromHours(rawHours))
                {
                    var baseline = await TimeAsync(Math.Max(3, runs / 4), () => Task.FromResult(RawBaseline(database, modelId, range)));
                    if (baseline.Result != predictionsInWindow)
                    {
                        throw new InvalidOperationException($"{key}: rollups count {predictionsInWindow}, raw rows {baseline.Result}.");
                    }

                    baselineText = $"{baseline.Median:F1}";
                    ratio = $"{baseline.Median / load.Median:F0}×";
                }

                var hours = RollupQueries.Split(range, bucketed: true).HasHours ? "hour + minute rows" : "minute rows";
                Console.WriteLine($"{key}: {predictionsInWindow:N0} predictions; health data load ({hours}) median {load.Median:F1} ms, p95 {load.P95:F1} ms; minute rows only {minutesOnly.Median:F1} / {minutesOnly.P95:F1} ms; raw-row baseline median {baselineText} ms");
                rows.Add($"| {key} ({range.Buckets} points) | {predictionsInWindow:N0} | {hours} | {load.Median:F1} / {load.P95:F1} | {minutesOnly.Median:F1} / {minutesOnly.P95:F1} | {baselineText} | {ratio} |");
            }

            var http = await HttpRenderAsync(database, runs);
            Console.WriteLine();
            Console.WriteLine("| window | predictions in window | rows read | health data load median / p95 (ms) | minute rows only median / p95 (ms) | raw-row baseline median (ms) | raw / load |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            rows.ForEach(Console.WriteLine);
            Console.WriteLine();
            Console.WriteLine($"| GET /models/{Model}?tab=health (1 h, server render over HTTP) median / p95 (ms) | {http.Median:F1} / {http.P95:F1} |");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static ServiceProvider Services(string database)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Portal"] = $"Data Source={database}" })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalData(configuration);
        return services.BuildServiceProvider();
    }

    private static async Task<(int ModelId, long RollupRows, long RawRows)> SeedAsync(
        IServiceProvider services, string database, DateTimeOffset now, long predictions, int days, int versions, int rawHours)
    {
        int modelId;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var model = new MlModel { Name = Model, TaskType = ModelTaskType.Binary, Versions = [.. Enumerable.Range(1, versions).Select(v => new ModelVersion { Version = $"v{v}" })] };
            db.Models.Add(model);
            await db.SaveChangesAsync();
            modelId = model.Id;
        }

        var minutes = days * 24 * 60;
        var perRow = predictions / ((long)minutes * versions);
        var random = new Random(42);
        var templates = Enumerable.Range(0, 64).Select(_ => MinuteTemplate.Create(random, (int)perRow)).ToArray();
        var firstMinute = RollupMinute(now) - ((minutes - 1) * 60_000L);
        // One hour more than asked, so a window rounded down to its first bucket still has every raw row.
        var rawFrom = RollupMinute(now) - ((((rawHours + 1) * 60) - 1) * 60_000L);

        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;";
            pragma.ExecuteNonQuery();
        }

        long rollups = 0, raw = 0;
        using var transaction = connection.BeginTransaction();
        using var prediction = Command(connection, transaction, """
            INSERT INTO "PredictionRollups" ("ModelId","Version","MinuteMs","Count","Errors","SchemaViolations","LatencyCount","LatencySumMs","LatencyMaxMs",
              "LatencyBuckets","ScoreCount","ScoreSum","ScoreBins","ClassCounts","LowConfidence","ValueCount","ValueSum","ValueSumSq")
            VALUES ($m,$v,$t,$n,$e,0,$n,$ls,$lm,$lb,$n,$ss,$sb,$cc,$lc,0,0,0)
            """, "$m", "$v", "$t", "$n", "$e", "$ls", "$lm", "$lb", "$ss", "$sb", "$cc", "$lc");
        using var quality = Command(connection, transaction, """
            INSERT INTO "QualityRollups" ("ModelId","Version","MinuteMs","Labelled","Correct","TruePositives","FalsePositives","FalseNegatives","TrueNegatives",
              "AbsErrorSum","SqErrorSum","LabelSum","LabelSumSq")
            VALUES ($m,$v,$t,$l,$c,$tp,$fp,$fn,$tn,0,0,0,0)
            """, "$m", "$v", "$t", "$l", "$c", "$tp", "$fp", "$fn", "$tn");
        using var hourInsert = Command(connection, transaction, """
            INSERT INTO "PredictionHourRollups" ("ModelId","Version","HourMs","Count","Errors","SchemaViolations","LatencyCount","LatencySumMs","LatencyMaxMs",
              "LatencyBuckets","ScoreCount","ScoreSum","ScoreBins","ClassCounts","LowConfidence","ValueCount","ValueSum","ValueSumSq")
            VALUES ($m,$v,$t,$n,$e,0,$n,$ls,$lm,$lb,$n,$ss,$sb,$cc,$lc,0,0,0)
            """, "$m", "$v", "$t", "$n", "$e", "$ls", "$lm", "$lb", "$ss", "$sb", "$cc", "$lc");
        using var qualityHourInsert = Command(connection, transaction, """
            INSERT INTO "QualityHourRollups" ("ModelId","Version","HourMs","Labelled","Correct","TruePositives","FalsePositives","FalseNegatives","TrueNegatives",
              "AbsErrorSum","SqErrorSum","LabelSum","LabelSumSq")
            VALUES ($m,$v,$t,$l,$c,$tp,$fp,$fn,$tn,0,0,0,0)
            """, "$m", "$v", "$t", "$l", "$c", "$tp", "$fp", "$fn", "$tn");
        // What the writer adds to the hour rows: the sums of their minutes (histograms by bucket).
        var hours = new Dictionary<(int Version, long HourMs), HourSums>();
        var parsed = templates.ToDictionary(t => t, t => (Latency: LogHistogram.FromJson(t.LatencyJson), Scores: ScoreHistogram.FromJson(t.ScoreJson), Classes: TopK.FromJson(t.ClassJson)));
        using var rawInsert = Command(connection, transaction, """
            INSERT INTO "PredictionEvents" ("ModelId","PredictionId","TimestampMs","ModelVersion","Prediction","PredictionValue","Score","LatencyMs","Error","Features","SchemaViolations","ReceivedAtMs")
            VALUES ($m,$id,$t,$v,$p,$pv,$s,$l,$e,$f,0,$t)
            """, "$m", "$id", "$t", "$v", "$p", "$pv", "$s", "$l", "$e", "$f");
        var features = "{\"amount\":41.5,\"country\":\"DE\",\"age\":37,\"device\":\"ios\"}"u8.ToArray();
        for (var minute = 0; minute < minutes; minute++)
        {
            var minuteMs = firstMinute + (minute * 60_000L);
            for (var v = 1; v <= versions; v++)
            {
                var t = templates[random.Next(templates.Length)];
                Set(prediction, modelId, $"v{v}", minuteMs, t.Count, t.Errors, t.LatencySum, t.LatencyMax, t.LatencyJson, t.ScoreSum, t.ScoreJson, t.ClassJson, t.LowConfidence);
                prediction.ExecuteNonQuery();
                Set(quality, modelId, $"v{v}", minuteMs, t.Labelled, t.Correct, t.TruePositives, t.FalsePositives, t.FalseNegatives, t.TrueNegatives);
                quality.ExecuteNonQuery();
                var hourKey = (v, minuteMs - (minuteMs % RollupQueries.HourMs));
                if (!hours.TryGetValue(hourKey, out var hour))
                {
                    hours[hourKey] = hour = new HourSums();
                }

                hour.Add(t, parsed[t]);
                rollups++;
                if (minuteMs < rawFrom)
                {
                    continue;
                }

                for (var i = 0; i < t.Count; i++)
                {
                    var p = t.Predictions[i];
                    Set(rawInsert, modelId, $"v{v}-{minuteMs}-{i}", minuteMs + (i * 59_000L / t.Count), $"v{v}", p.Class, p.Class == "1" ? 1.0 : 0.0, p.Score, p.LatencyMs,
                        p.Error ? "timeout" : DBNull.Value, features);
                    rawInsert.ExecuteNonQuery();
                    raw++;
                }
            }
        }

        foreach (var ((v, hourMs), h) in hours)
        {
            Set(hourInsert, modelId, $"v{v}", hourMs, h.Count, h.Errors, h.LatencySum, h.LatencyMax, h.Latency.ToJson(), h.ScoreSum, ScoreHistogram.ToJson(h.Scores), TopK.ToJson(h.Classes), h.LowConfidence);
            hourInsert.ExecuteNonQuery();
            Set(qualityHourInsert, modelId, $"v{v}", hourMs, h.Labelled, h.Correct, h.TruePositives, h.FalsePositives, h.FalseNegatives, h.TrueNegatives);
            qualityHourInsert.ExecuteNonQuery();
        }

        transaction.Commit();
        return (modelId, rollups, raw);
    }

    /// <summary>The traffic aggregates of the health tab from raw rows: count, errors, exact percentiles, per-bucket series, last week's count.</summary>
    private static long RawBaseline(string database, int modelId, TimeRange range)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT "TimestampMs", "LatencyMs", "Error" FROM "PredictionEvents"
            WHERE "ModelId" = $m AND "TimestampMs" >= $from AND "TimestampMs" < $to
            """;
        command.Parameters.AddWithValue("$m", modelId);
        command.Parameters.AddWithValue("$from", range.FromMs);
        command.Parameters.AddWithValue("$to", range.ToMs + 60_000);
        var buckets = Enumerable.Range(0, range.Buckets).Select(_ => new List<double>()).ToArray();
        var errors = new long[range.Buckets];
        var all = new List<double>();
        long count = 0;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var b = Math.Clamp(range.BucketOf(reader.GetInt64(0)), 0, buckets.Length - 1);
                var latency = reader.GetDouble(1);
                buckets[b].Add(latency);
                all.Add(latency);
                errors[b] += reader.IsDBNull(2) ? 0 : 1;
                count++;
            }
        }

        all.Sort();
        _ = (Percentile(all, 0.5), Percentile(all, 0.95), Percentile(all, 0.99));
        foreach (var bucket in buckets)
        {
            bucket.Sort();
            _ = (Percentile(bucket, 0.5), Percentile(bucket, 0.95), Percentile(bucket, 0.99));
        }

        return count;
    }

    private static double Percentile(List<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }

    private static async Task<(double Median, double P95)> HttpRenderAsync(string database, int runs)
    {
        var port = ExternalProcess.FreePort();
        using var server = IngestBenchmark.StartPortal(database, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Add("X-Api-Key", IngestBenchmark.Key);
            await IngestBenchmark.WaitHealthyAsync(http, server);
            var result = await TimeAsync(runs, async () =>
            {
                var html = await http.GetStringAsync($"models/{Model}?tab=health&window=1h");
                return html.Contains("predictions in 1 hour", StringComparison.Ordinal) ? 1L : throw new InvalidOperationException("The health tab did not render its cards.");
            });
            return (result.Median, result.P95);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
    }

    /// <summary>Runs <paramref name="work"/> twice to warm up, then <paramref name="runs"/> times; milliseconds.</summary>
    private static async Task<(double Median, double P95, long Result)> TimeAsync(int runs, Func<Task<long>> work)
    {
        await work();
        var result = await work();
        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            result = await work();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return (times[times.Count / 2], times[(int)Math.Ceiling(0.95 * times.Count) - 1], result);
    }

    private static long RollupMinute(DateTimeOffset t) => t.ToUnixTimeMilliseconds() - (t.ToUnixTimeMilliseconds() % 60_000);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var p in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = p });
        }

        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    private sealed class HourSums
    {
        public long Count;
        public long Errors;
        public double LatencySum;
        public double LatencyMax;
        public readonly LogHistogram Latency = new();
        public double ScoreSum;
        public readonly long[] Scores = new long[ScoreHistogram.Bins];
        public readonly Dictionary<string, long> Classes = [];
        public long LowConfidence;
        public long Labelled;
        public long Correct;
        public long TruePositives;
        public long FalsePositives;
        public long FalseNegatives;
        public long TrueNegatives;

        public void Add(MinuteTemplate t, (LogHistogram Latency, long[] Scores, Dictionary<string, long> Classes) parsed)
        {
            Count += t.Count;
            Errors += t.Errors;
            LatencySum += t.LatencySum;
            LatencyMax = Math.Max(LatencyMax, t.LatencyMax);
            Latency.Merge(parsed.Latency);
            ScoreSum += t.ScoreSum;
            for (var i = 0; i < Scores.Length; i++)
            {
                Scores[i] += parsed.Scores[i];
            }

            TopK.Merge(Classes, parsed.Classes);
            LowConfidence += t.LowConfidence;
            Labelled += t.Labelled;
            Correct += t.Correct;
            TruePositives += t.TruePositives;
            FalsePositives += t.FalsePositives;
            FalseNegatives += t.FalseNegatives;
            TrueNegatives += t.TrueNegatives;
        }
    }

    private sealed record RawPrediction(string Class, double Score, double LatencyMs, bool Error);

    /// <summary>One minute of one version: its raw predictions and the rollup they make (the writer's formats).</summary>
    private sealed record MinuteTemplate(
        int Count, long Errors, double LatencySum, double LatencyMax, string LatencyJson, double ScoreSum, string ScoreJson, string ClassJson,
        long LowConfidence, long Labelled, long Correct, long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives,
        RawPrediction[] Predictions)
    {
        public static MinuteTemplate Create(Random random, int count)
        {
            var predictions = Enumerable.Range(0, count).Select(_ =>
            {
                var latency = Math.Exp(3 + (0.5 * Normal(random)));   // median ≈ 20 ms, long right tail
                var score = random.NextDouble();
                return new RawPrediction(score >= 0.5 ? "1" : "0", score, Math.Round(latency, 3), random.NextDouble() < 0.01);
            }).ToArray();
            var histogram = new LogHistogram();
            var bins = new long[ScoreHistogram.Bins];
            foreach (var p in predictions)
            {
                histogram.Add(p.LatencyMs);
                bins[ScoreHistogram.BinOf(p.Score)]++;
            }

            var classes = predictions.GroupBy(p => p.Class).ToDictionary(g => g.Key, g => (long)g.Count());
            var labelled = predictions.Take(count * 3 / 10).ToArray();
            long tp = 0, fp = 0, fn = 0, tn = 0;
            foreach (var p in labelled)
            {
                var actual = random.NextDouble() < (p.Class == "1" ? 0.9 : 0.1);
                (tp, fp, fn, tn) = (p.Class == "1", actual) switch
                {
                    (true, true) => (tp + 1, fp, fn, tn),
                    (true, false) => (tp, fp + 1, fn, tn),
                    (false, true) => (tp, fp, fn + 1, tn),
                    _ => (tp, fp, fn, tn + 1),
                };
            }

            return new MinuteTemplate(
                count, predictions.Count(p => p.Error), predictions.Sum(p => p.LatencyMs), predictions.Max(p => p.LatencyMs), histogram.ToJson(),
                predictions.Sum(p => p.Score), ScoreHistogram.ToJson(bins), TopK.ToJson(classes),
                predictions.LongCount(p => Math.Max(p.Score, 1 - p.Score) < 0.6), labelled.Length, tp + tn, tp, fp, fn, tn, predictions);
        }

        private static double Normal(Random random) =>
            Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
