using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Analysis.Slo;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Ingestion;
using SloDefinition = Portal.Data.Entities.Jobs.SloDefinition;
using SloKind = Portal.Data.Entities.Jobs.SloKind;

namespace Portal.Web.Features.Slos;

/// <summary>Configuration of SLOs (section <c>Portal:Slos</c>).</summary>
public sealed class SloOptions
{
    public const string Section = "Portal:Slos";

    /// <summary>How long the per-minute SLI history (burn windows) is kept; at least 1 day (the alert preview replays 24 h).</summary>
    public int HistoryDays { get; set; } = 7;
}

/// <summary>
/// The per-minute SLI history, Sloth's recording rules kept in the database: at each alert evaluation, for every enabled
/// SLO, the good and total events of every burn window (<see cref="SloEvaluator.BurnWindows"/>) ending at each whole
/// minute not yet recorded (at most the last 24 hours), computed from the rollups with <see cref="SloEvaluator.BurnRatesAt"/>
/// — the same function the SLO job uses. SLO alerts, the 24 h preview and the SLO page's burn-rate chart read it; rows
/// older than <see cref="SloOptions.HistoryDays"/> are deleted.
/// </summary>
public sealed class SloSliHistory(PortalDbContext db, IOptions<SloOptions> options, ILogger<SloSliHistory> logger)
{
    /// <summary>How far back a first (or late) recording fills in: the preview's 24 hours.</summary>
    public static readonly TimeSpan Backfill = TimeSpan.FromHours(24);

    private static readonly TimeSpan LongestWindow = SloEvaluator.BurnWindows.Max(w => w.Length);

    /// <summary>Every recorded minute has a row of each window; this one's are looked up to find the last minute.</summary>
    private static readonly string FirstWindow = SloEvaluator.BurnWindows[0].Name;

    /// <summary>Records every missing minute up to the whole minute at or before <paramref name="now"/>; returns the rows written.</summary>
    public async Task<int> RecordAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var endMs = RollupAccumulator.MinuteOf(now.ToUnixTimeMilliseconds());
        var oldest = endMs - (long)Backfill.TotalMilliseconds;

        // Each SLO's last recorded minute: one index seek per SLO (a grouped MAX would read the whole history).
        var slos = await db.SloDefinitions.AsNoTracking().Where(s => s.Enabled)
            .Select(s => new { Slo = s, Last = db.SloSliRecords.Where(r => r.SloId == s.Id && r.Window == FirstWindow).Max(r => (long?)r.MinuteMs) })
            .ToListAsync(cancellationToken);
        var modelIds = slos.Select(s => s.Slo.ModelId).Distinct().ToList();

        // No history before a model's first data in reach of the longest window: a thousand new SLOs would otherwise
        // each write a day of empty rows (7 windows × 1,440 minutes) at their first evaluation. Its first minute is
        // one index seek per model (a grouped MIN would read every model's last four days of rollups every 30 s).
        var reach = oldest - (long)LongestWindow.TotalMilliseconds;
        var models = await db.Models.AsNoTracking().Where(m => modelIds.Contains(m.Id))
            .Select(m => new { m.Id, m.CreatedAt, FirstData = db.PredictionRollups.Where(r => r.ModelId == m.Id && r.MinuteMs >= reach).Min(r => (long?)r.MinuteMs) })
            .ToListAsync(cancellationToken);
        var created = models.ToDictionary(m => m.Id, m => RollupAccumulator.MinuteOf(m.CreatedAt.ToUnixTimeMilliseconds()));
        var firstData = models.Where(m => m.FirstData is not null).ToDictionary(m => m.Id, m => m.FirstData!.Value);
        long? StartOf(SloDefinition slo) =>
            slo.Kind == SloKind.Throughput ? created.GetValueOrDefault(slo.ModelId) // counts minutes without traffic too
            : firstData.TryGetValue(slo.ModelId, out var data) ? data + 60_000 : null;
        var written = 0;
        foreach (var model in slos.GroupBy(s => s.Slo.ModelId))
        {
            var firsts = new Dictionary<int, long>();
            foreach (var (slo, last) in model.Select(s => (s.Slo, s.Last)))
            {
                if (StartOf(slo) is { } start)
                {
                    firsts[slo.Id] = Math.Max(Math.Max(oldest, start), last is null ? oldest : last.Value + 60_000);
                }
            }

            var first = firsts.Count == 0 ? long.MaxValue : firsts.Values.Min();
            if (first > endMs)
            {
                continue;
            }

            var fromMs = first - (long)LongestWindow.TotalMilliseconds;
            var recording = model.Select(s => s.Slo).Where(s => firsts.ContainsKey(s.Id)).ToList();
            var rollups = await SloRollups.LoadAsync(db, model.Key, recording, fromMs, endMs, cancellationToken);
            foreach (var slo in recording)
            {
                var definition = SloInput.From(slo).ToAnalysis();
                var series = SloSeriesBuilder.Build(definition, rollups.Predictions, rollups.Quality, Math.Max(fromMs, created.GetValueOrDefault(slo.ModelId)), endMs);
                for (var minute = firsts[slo.Id]; minute <= endMs; minute += 60_000)
                {
                    foreach (var rate in SloEvaluator.BurnRatesAt(series, DateTimeOffset.FromUnixTimeMilliseconds(minute), definition.AllowedBadFraction))
                    {
                        db.SloSliRecords.Add(new SloSliRecord { SloId = slo.Id, MinuteMs = minute, Window = rate.Window, Good = rate.GoodEvents, Total = rate.TotalEvents });
                        written++;
                    }
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        var cutoff = endMs - (long)TimeSpan.FromDays(Math.Max(1, options.Value.HistoryDays)).TotalMilliseconds;
        var deleted = await db.SloSliRecords.Where(r => r.MinuteMs < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0)
        {
            logger.LogDebug("SLI history: {Rows} rows older than {Days} days deleted", deleted, options.Value.HistoryDays);
        }

        return written;
    }

    /// <summary>
    /// The recorded burn rates of <paramref name="slo"/> at each whole minute of [<paramref name="fromMs"/>, <paramref name="toMs"/>],
    /// by minute; a minute without a record is missing (no data).
    /// </summary>
    public static async Task<Dictionary<long, IReadOnlyList<BurnRate>>> ReadAsync(
        PortalDbContext db, SloDefinition slo, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        var rows = await db.SloSliRecords.AsNoTracking().Where(r => r.SloId == slo.Id && r.MinuteMs >= fromMs && r.MinuteMs <= toMs).ToListAsync(cancellationToken);
        return ByMinute(slo, rows);
    }

    /// <summary>The burn rates of <paramref name="slo"/> in <paramref name="rows"/> (its SLI records), by minute.</summary>
    public static Dictionary<long, IReadOnlyList<BurnRate>> ByMinute(SloDefinition slo, IEnumerable<SloSliRecord> rows)
    {
        var allowed = SloInput.From(slo).ToAnalysis().AllowedBadFraction;
        var lengths = SloEvaluator.BurnWindows.ToDictionary(w => w.Name, w => w.Length);
        return rows.Where(r => lengths.ContainsKey(r.Window)).GroupBy(r => r.MinuteMs).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<BurnRate>)g.Select(r => BurnRate.Of(r.Window, lengths[r.Window], new SloCount(r.Good, r.Total), allowed)).ToList());
    }
}
