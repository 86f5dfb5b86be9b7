using System.Globalization;
using System.Text.Json;
using Cronos;

namespace Portal.Benchmarks.Fleet;

/// <summary>
/// Job lag from the portal's own job runs (<c>GET /api/v1/jobs/runs</c>): for each run of a recurring job, the cron tick
/// it was scheduled at (the last one at or before its start) to its finish. A job type keeps up when every tick's runs
/// finish before the next tick; the lag of the last ticks against the first says whether a backlog grows.
/// </summary>
internal static class FleetJobs
{
    public sealed record JobSchedule(string Type, string Cron, bool Seconds, int RunsPerTick);

    /// <param name="ByNode">Runs finished per node (with several nodes: whether both take their share).</param>
    /// <param name="Repeated">Runs of a model and tick beyond its first (a job run twice, by one node or two).</param>
    public sealed record Lag(
        string Type, int Ticks, int Due, int Finished, int Failed, Percentiles LagSeconds, Percentiles DurationMs, double FirstTicksP95, double LastTicksP95,
        double IntervalSeconds, IReadOnlyDictionary<string, int> ByNode, int Repeated);

    private sealed record Run(DateTime StartedAt, DateTime? FinishedAt, double? DurationMs, string Outcome, string? Model, string Node);

    public static async Task<IReadOnlyList<Lag>> MeasureAsync(HttpClient http, IEnumerable<JobSchedule> schedules, DateTime from, DateTime to)
    {
        var lags = new List<Lag>();
        foreach (var schedule in schedules)
        {
            var runs = await RunsAsync(http, schedule.Type, from);
            var cron = CronExpression.Parse(schedule.Cron, schedule.Seconds ? CronFormat.IncludeSeconds : CronFormat.Standard);
            var ticks = cron.GetOccurrences(from, to, TimeZoneInfo.Utc, fromInclusive: true, toInclusive: false).ToList();
            var interval = ticks.Count > 1 ? (ticks[1] - ticks[0]).TotalSeconds : (cron.GetNextOccurrence(to, TimeZoneInfo.Utc)!.Value - to).TotalSeconds;
            var byTick = runs
                .Where(r => r.StartedAt >= from && r.FinishedAt is not null)
                .Select(r => (Tick: ticks.LastOrDefault(t => t <= r.StartedAt), Run: r))
                .Where(x => x.Tick != default)
                .ToList();
            var lag = byTick.Select(x => (x.Run.FinishedAt!.Value - x.Tick).TotalSeconds).ToList();
            var half = ticks.Count / 2;
            double P95Of(IEnumerable<DateTime> part)
            {
                var set = part.ToHashSet();
                return Percentiles.Of(byTick.Where(x => set.Contains(x.Tick)).Select(x => (x.Run.FinishedAt!.Value - x.Tick).TotalSeconds)).P95;
            }

            lags.Add(new Lag(
                schedule.Type, ticks.Count, ticks.Count * schedule.RunsPerTick, byTick.Count, byTick.Count(x => x.Run.Outcome is "failed"),
                Percentiles.Of(lag), Percentiles.Of(byTick.Where(x => x.Run.DurationMs is not null).Select(x => x.Run.DurationMs!.Value)),
                P95Of(ticks.Take(Math.Max(1, half))), P95Of(ticks.Skip(half)), interval,
                byTick.GroupBy(x => x.Run.Node).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
                byTick.GroupBy(x => (x.Tick, x.Run.Model)).Sum(g => g.Count() - 1)));
        }

        return lags;
    }

    /// <summary>Every run of the type started since <paramref name="from"/> (the API pages newest first, 500 at a time).</summary>
    private static async Task<List<Run>> RunsAsync(HttpClient http, string type, DateTime from)
    {
        var runs = new List<Run>();
        for (var skip = 0; ; skip += 500)
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync($"api/v1/jobs/runs?type={type}&skip={skip}&take=500"));
            var items = document.RootElement.GetProperty("items").EnumerateArray().Select(item => new Run(
                Utc(item.GetProperty("startedAt").GetDateTime()),
                item.GetProperty("finishedAt").ValueKind == JsonValueKind.Null ? null : Utc(item.GetProperty("finishedAt").GetDateTime()),
                item.GetProperty("durationMs").ValueKind == JsonValueKind.Null ? null : item.GetProperty("durationMs").GetDouble(),
                item.GetProperty("outcome").ToString().ToLower(CultureInfo.InvariantCulture),
                item.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null,
                item.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String ? node.GetString()! : "?")).ToList();
            runs.AddRange(items);
            if (items.Count < 500 || items[^1].StartedAt < from)
            {
                return runs;
            }
        }
    }

    /// <summary>The API's times are UTC, with or without their Z.</summary>
    private static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };
}
