using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Jobs;

namespace Portal.Web.Features.Slos;

/// <summary>The per-minute rollups an SLO counts, read once for every SLO of a model (the SLO job and the SLI history).</summary>
public sealed record SloRollups(IReadOnlyList<SloRollupMinute> Predictions, IReadOnlyList<SloQualityMinute> Quality)
{
    /// <summary>Rollup minutes in [<paramref name="fromMs"/>, <paramref name="endMs"/>); latency histograms and quality rows only when an SLO needs them.</summary>
    public static async Task<SloRollups> LoadAsync(PortalDbContext db, int modelId, IReadOnlyCollection<SloDefinition> slos, long fromMs, long endMs, CancellationToken cancellationToken)
    {
        var needsLatency = slos.Any(s => s.Kind == SloKind.Latency);
        var predictions = await db.PredictionRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= fromMs && r.MinuteMs < endMs)
            .Select(r => new SloRollupMinute(r.MinuteMs, r.Count, r.Errors, needsLatency ? r.LatencyBuckets : null)).ToListAsync(cancellationToken);
        var quality = slos.Any(s => s.Kind == SloKind.Accuracy)
            ? await db.QualityRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= fromMs && r.MinuteMs < endMs)
                .Select(r => new SloQualityMinute(r.MinuteMs, r.Labelled, r.Correct)).ToListAsync(cancellationToken)
            : [];
        return new SloRollups(predictions, quality);
    }
}
