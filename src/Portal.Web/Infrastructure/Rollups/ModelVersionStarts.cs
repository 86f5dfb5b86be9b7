using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Web.Infrastructure.Rollups;

/// <summary>
/// When each version of a model first served traffic: its first prediction-rollup minute in [from, to], else (never seen
/// in a prediction) the minute it was registered, if that lies in [from, to]. Root-cause analysis and the charts'
/// "version started" annotations both read it.
/// </summary>
public static class ModelVersionStarts
{
    public static async Task<List<(string Version, DateTimeOffset At)>> LoadAsync(PortalDbContext db, int modelId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        var firstMinutes = await db.PredictionRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.Version != "" && r.MinuteMs >= fromMs && r.MinuteMs <= toMs)
            .GroupBy(r => r.Version).Select(g => new { Version = g.Key, First = g.Min(r => r.MinuteMs) }).ToListAsync(cancellationToken);
        var registered = await db.ModelVersions.AsNoTracking().Where(v => v.ModelId == modelId).ToListAsync(cancellationToken);
        var starts = firstMinutes.Select(v => (v.Version, At: DateTimeOffset.FromUnixTimeMilliseconds(v.First))).ToList();
        foreach (var v in registered.Where(v => starts.All(s => s.Version != v.Version) && v.CreatedAt >= from && v.CreatedAt <= to))
        {
            // On its minute, like a first rollup minute: a version registered 25 s into the minute the other one started
            // serving started in the same minute.
            starts.Add((v.Version, RollupMinute.Of(v.CreatedAt)));
        }

        return [.. starts.OrderBy(s => s.At)];
    }
}
