using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Features.Dashboards;

/// <summary>A latency SLO of the model and, when the SLO job has run, its latest compliance.</summary>
public sealed record LatencySlo(string Name, double BoundMs, double TargetPercent, double? CompliancePercent, double? BudgetRemaining);

/// <summary>Request rate, errors and latency of a window (the "traffic" half of the health tab), with series.</summary>
public sealed record TrafficHealth(
    long Predictions, long LastWeekPredictions, double RatePerMinute, double LastWeekRatePerMinute,
    long Errors, double? ErrorRate, long LatencyCount, double? P50, double? P95, double? P99, double? LatencyMax,
    LatencySlo? Slo, double? SlowShare,
    HealthLevel TrafficLevel, HealthLevel ErrorLevel, HealthLevel LatencyLevel,
    IReadOnlyList<DateTime> Times, long[] Requests, long[] LastWeekRequests, double?[] ErrorRates,
    double?[] P50s, double?[] P95s, double?[] P99s);

/// <summary>
/// Accuracy (classifiers) or MAE (regression) on the labelled predictions of a window, with label coverage, the
/// previous 7 days as baseline and a per-bucket series.
/// </summary>
public sealed record AccuracyHealth(
    bool Regression, long Labelled, long Predictions, double? Value, double? Baseline, long BaselineLabelled, double? TargetPercent,
    HealthLevel Level, IReadOnlyList<DateTime> Times, double?[] Values, long[] LabelledPerBucket)
{
    public double? Coverage => PredictionStats.Ratio(Labelled, Predictions);
}

/// <summary>
/// The health tab's data, from rollups only (never raw rows; hour rows for the whole hours of long windows): each half loads on its own so a page can refresh
/// only what changed (predictions → traffic, labels → accuracy). Latency percentiles come from the rollups'
/// log-bucket histograms and are within ±2 % (relative).
/// </summary>
public sealed class HealthDashboard(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    public static readonly TimeSpan LastWeek = TimeSpan.FromDays(7);

    public async Task<TrafficHealth> LoadTrafficAsync(ModelHeader model, DashboardWindow window, string? version, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await LoadTrafficAsync(db, model, window.At(time.GetUtcNow()), version, cancellationToken);
    }

    public static async Task<TrafficHealth> LoadTrafficAsync(PortalDbContext db, ModelHeader model, TimeRange range, string? version, CancellationToken cancellationToken)
    {
        var stats = await RollupQueries.PredictionsAsync(db, model.Id, version, range, RollupParts.Latency, cancellationToken);
        var lastWeekRange = range.ShiftedBack(LastWeek);
        var lastWeek = await RollupQueries.CountsAsync(db, model.Id, version, lastWeekRange, cancellationToken);

        var slo = await LatencySloAsync(db, model.Id, cancellationToken);
        var total = stats.Total;
        var lastWeekTotal = lastWeek.Sum();
        var slowShare = slo is null ? null : total.ShareAbove(slo.BoundMs);
        return new TrafficHealth(
            total.Count, lastWeekTotal, total.Count / range.Minutes, lastWeekTotal / range.Minutes,
            total.Errors, total.ErrorRate, total.LatencyCount,
            total.LatencyQuantile(0.5), total.LatencyQuantile(0.95), total.LatencyQuantile(0.99), total.LatencyCount > 0 ? Infrastructure.Figures.Finite(total.LatencyMax) : null,
            slo, slowShare,
            StatusRules.Traffic(total.Count, lastWeekTotal), StatusRules.ErrorRate(total.Errors, total.Count), StatusRules.Latency(slowShare, slo?.TargetPercent),
            range.BucketStarts(),
            [.. stats.Buckets.Select(b => b.Count)],
            lastWeek,
            [.. stats.Buckets.Select(b => b.ErrorRate)],
            [.. stats.Buckets.Select(b => b.LatencyQuantile(0.5))],
            [.. stats.Buckets.Select(b => b.LatencyQuantile(0.95))],
            [.. stats.Buckets.Select(b => b.LatencyQuantile(0.99))]);
    }

    public async Task<AccuracyHealth> LoadAccuracyAsync(ModelHeader model, DashboardWindow window, string? version, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await LoadAccuracyAsync(db, model, window.At(time.GetUtcNow()), version, cancellationToken);
    }

    public static async Task<AccuracyHealth> LoadAccuracyAsync(PortalDbContext db, ModelHeader model, TimeRange range, string? version, CancellationToken cancellationToken)
    {
        var quality = await RollupQueries.QualityAsync(db, model.Id, version, range, cancellationToken);
        var predictions = await RollupQueries.CountAsync(db, model.Id, version, range, cancellationToken);
        var baselineRange = new TimeRange(range.FromMs - (long)LastWeek.TotalMilliseconds, range.FromMs - 1, range.BucketMs);
        var baseline = await RollupQueries.QualityTotalAsync(db, model.Id, version, baselineRange, cancellationToken);
        var regression = !model.IsClassifier;
        var total = quality.Total;
        if (regression)
        {
            return new AccuracyHealth(true, total.Labelled, predictions, total.Mae, baseline.Mae, baseline.Labelled, null,
                StatusRules.RegressionError(total.Mae, total.Labelled, baseline.Mae, baseline.Labelled),
                range.BucketStarts(), [.. quality.Buckets.Select(b => b.Mae)], [.. quality.Buckets.Select(b => b.Labelled)]);
        }

        var target = await db.SloDefinitions.AsNoTracking().Where(s => s.ModelId == model.Id && s.Enabled && s.Kind == SloKind.Accuracy)
            .Select(s => (double?)s.TargetPercent).FirstOrDefaultAsync(cancellationToken);
        return new AccuracyHealth(false, total.Labelled, predictions, total.Accuracy, baseline.Accuracy, baseline.Labelled, target,
            StatusRules.Accuracy(total.Accuracy, total.Labelled, target, baseline.Accuracy, baseline.Labelled),
            range.BucketStarts(), [.. quality.Buckets.Select(b => b.Accuracy)], [.. quality.Buckets.Select(b => b.Labelled)]);
    }

    private static async Task<LatencySlo?> LatencySloAsync(PortalDbContext db, int modelId, CancellationToken cancellationToken)
    {
        var definition = await db.SloDefinitions.AsNoTracking()
            .Where(s => s.ModelId == modelId && s.Enabled && s.Kind == SloKind.Latency && s.LatencyBoundMs != null)
            .OrderBy(s => s.Id).FirstOrDefaultAsync(cancellationToken);
        if (definition is null)
        {
            return null;
        }

        var status = await db.SloStatuses.AsNoTracking().FirstOrDefaultAsync(s => s.SloId == definition.Id, cancellationToken);
        return new LatencySlo(definition.Name, definition.LatencyBoundMs!.Value, definition.TargetPercent, status?.CompliancePercent, status?.BudgetRemaining);
    }
}
