using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Features.Dashboards;

/// <summary>A latency SLO of the model and, when the SLO job has run, its latest compliance.</summary>
/// <param name="Status">The SLO job's verdict (Met, Breached, NoTraffic); null before its first run.</param>
public sealed record LatencySlo(string Name, double BoundMs, double TargetPercent, double? CompliancePercent, double? BudgetRemaining,
    string? Status = null, double CoveredFraction = 1, int WindowDays = 30);

/// <summary>
/// The request rate now (the last <see cref="RecentMinutes"/> minutes) and the window's average over the part of it that
/// has data (from its first prediction in the window to now), so a model started an hour ago is not averaged over 30 days.
/// </summary>
/// <param name="DataMinutes">Minutes from the window's first prediction (or the window start) to now; 0 without predictions.</param>
public sealed record TrafficRates(double CurrentPerMinute, double AveragePerMinute, double DataMinutes, bool WholeWindow)
{
    public const int RecentMinutes = 5;

    /// <param name="firstDataMs">Start of the window's first minute with predictions; null when it has none.</param>
    /// <param name="recentFromMs">Start of the first minute of the recent span (the current minute and the 4 before it).</param>
    public static TrafficRates Of(long nowMs, long windowFromMs, long? firstDataMs, long windowCount, long recentFromMs, long recentCount)
    {
        if (firstDataMs is not { } first || windowCount == 0)
        {
            return new TrafficRates(0, 0, 0, false);
        }

        // At least one minute, so the first prediction of a new model does not read as thousands per minute.
        static double MinutesSince(long fromMs, long nowMs) => Math.Max(1, (nowMs - fromMs) / 60_000.0);
        var dataFrom = Math.Max(windowFromMs, first);
        return new TrafficRates(
            recentCount / MinutesSince(Math.Max(recentFromMs, dataFrom), nowMs),
            windowCount / MinutesSince(dataFrom, nowMs),
            MinutesSince(dataFrom, nowMs),
            first <= windowFromMs);
    }
}

/// <summary>Request rate, errors and latency of a window (the "traffic" half of the health tab), with series.</summary>
/// <param name="LastWeekRatePerMinute">Last week's same window, averaged over the whole window.</param>
public sealed record TrafficHealth(
    long Predictions, long LastWeekPredictions, TrafficRates Rates, double LastWeekRatePerMinute,
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
        var rates = await RatesAsync(db, model.Id, version, range, total.Count, cancellationToken);
        return new TrafficHealth(
            total.Count, lastWeekTotal, rates, lastWeekTotal / range.Minutes,
            total.Errors, total.ErrorRate, total.LatencyCount,
            total.LatencyQuantile(0.5), total.LatencyQuantile(0.95), total.LatencyQuantile(0.99), total.LatencyCount > 0 ? Infrastructure.Figures.Finite(total.LatencyMax) : null,
            slo, slowShare,
            StatusRules.Traffic(total.Count, lastWeekTotal), StatusRules.ErrorRate(total.Errors, total.Count), LatencyLevel(slo, slowShare),
            range.BucketStarts(),
            [.. stats.Buckets.Select(b => b.Count)],
            lastWeek,
            [.. stats.Buckets.Select(b => b.ErrorRate)],
            [.. stats.Buckets.Select(b => b.LatencyQuantile(0.5))],
            [.. stats.Buckets.Select(b => b.LatencyQuantile(0.95))],
            [.. stats.Buckets.Select(b => b.LatencyQuantile(0.99))]);
    }

    private static async Task<TrafficRates> RatesAsync(PortalDbContext db, int modelId, string? version, TimeRange range, long windowCount, CancellationToken cancellationToken)
    {
        if (windowCount == 0)
        {
            return TrafficRates.Of(range.ToMs, range.FromMs, null, 0, range.ToMs, 0);
        }

        // Minute rows may be pruned before hour rows, so an hour row of an earlier hour says where the data starts.
        var firstMinute = await db.PredictionRollups
            .Where(r => r.ModelId == modelId && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs && (version == null || r.Version == version))
            .MinAsync(r => (long?)r.MinuteMs, cancellationToken);
        var firstHour = await db.PredictionHourRollups
            .Where(r => r.ModelId == modelId && r.HourMs >= range.FromMs && r.HourMs <= range.ToMs && (version == null || r.Version == version))
            .MinAsync(r => (long?)r.HourMs, cancellationToken);
        var first = FirstData(firstMinute, firstHour);
        var recentFrom = range.ToMs - (range.ToMs % 60_000) - ((TrafficRates.RecentMinutes - 1) * 60_000L);
        var recent = await RollupQueries.CountAsync(db, modelId, version, new TimeRange(recentFrom, range.ToMs, 60_000), cancellationToken);
        return TrafficRates.Of(range.ToMs, range.FromMs, first, windowCount, recentFrom, recent);
    }

    /// <summary>
    /// Where a window's data starts: its first minute row, unless an hour row of an earlier hour exists (its minute rows
    /// were pruned); an hour row of the first minute's own hour says nothing more precise than the minute row.
    /// </summary>
    public static long? FirstData(long? firstMinuteMs, long? firstHourMs) =>
        firstMinuteMs is not { } minute ? firstHourMs
        : firstHourMs is { } hour && hour < minute - (minute % RollupQueries.HourMs) ? hour
        : minute;

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

    /// <summary>
    /// The latency card's level: the SLO job's verdict by the SLO rule (the SLO page shows the same), or before the job's
    /// first run, the window's slow share against the SLO's error budget.
    /// </summary>
    public static HealthLevel LatencyLevel(LatencySlo? slo, double? slowShare) =>
        slo?.Status is { } status and not "NoTraffic"
            ? StatusRules.Slo(status, slo.CoveredFraction, slo.WindowDays).Level
            : StatusRules.Latency(slowShare, slo?.TargetPercent);

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
        return new LatencySlo(definition.Name, definition.LatencyBoundMs!.Value, definition.TargetPercent, status?.CompliancePercent, status?.BudgetRemaining,
            status?.Status, status?.CoveredFraction ?? 1, definition.WindowDays);
    }
}
