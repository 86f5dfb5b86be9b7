using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Drift;
using Portal.Data;
using Portal.Data.Entities.Jobs;

namespace Portal.Web.Infrastructure.Dashboards;

/// <summary>Reads the <see cref="DriftSignals"/> of <see cref="DriftStatusRule"/> from a stored drift run and the streaming events.</summary>
public static class DriftSignalsReader
{
    /// <summary>Score relative to the test's threshold, one scale for all tests (1 = threshold): log(p)/log(threshold) for p-values, score/threshold for distances.</summary>
    public static double? Strength(string test, double? score, double threshold) => score switch
    {
        null => null,
        double p when DriftTestIds.IsPValueTest(test) => Math.Log(Math.Max(p, 1e-300)) / Math.Log(threshold),
        double d => d / threshold,
    };

    public static DriftSignals FromRun(DriftRun run, IEnumerable<DriftFeatureResult> features, int possibleDriftEvents) => new(
        run.HasVerdict, run.Features,
        [.. features.Where(f => f.Drifted).Select(f => new DriftedFeature(f.Feature, Strength(f.Test, f.AdjustedPValue ?? f.Score, f.Threshold)))],
        run.Severity, run.PredictionPsi, run.TargetPsi, run.PcaDrift, run.MmdDrift, possibleDriftEvents);

    /// <summary>
    /// Per model of <paramref name="modelIds"/>: the latest drift run with a verdict (any version) and its drifted
    /// features, and the streaming possible-drift events since <paramref name="eventsSince"/>. Models with neither are absent.
    /// </summary>
    public static async Task<Dictionary<int, DriftSignals>> LatestAsync(
        PortalDbContext db, IReadOnlyCollection<int> modelIds, DateTime eventsSince, CancellationToken cancellationToken)
    {
        var latestIds = await db.DriftRuns.AsNoTracking().Where(r => modelIds.Contains(r.ModelId) && r.HasVerdict)
            .GroupBy(r => r.ModelId).Select(g => g.Max(r => r.Id)).ToListAsync(cancellationToken);
        var runs = await db.DriftRuns.AsNoTracking().Where(r => latestIds.Contains(r.Id)).ToListAsync(cancellationToken);
        var drifted = (await db.DriftFeatureResults.AsNoTracking().Where(f => latestIds.Contains(f.DriftRunId) && f.Drifted).ToListAsync(cancellationToken))
            .ToLookup(f => f.DriftRunId);
        var events = await db.PossibleDriftEvents.AsNoTracking().Where(e => modelIds.Contains(e.ModelId) && e.At >= eventsSince)
            .GroupBy(e => e.ModelId).Select(g => new { ModelId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(e => e.ModelId, e => e.Count, cancellationToken);

        var signals = runs.ToDictionary(r => r.ModelId, r => FromRun(r, drifted[r.Id], events.GetValueOrDefault(r.ModelId)));
        foreach (var (modelId, count) in events.Where(e => !signals.ContainsKey(e.Key)))
        {
            signals[modelId] = DriftSignals.None with { PossibleDriftEvents = count };
        }

        return signals;
    }
}
