using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Streaming;
using Portal.Web.Infrastructure.Dashboards;

namespace Portal.Web.Features.Streaming;

/// <summary>What the possible-drift panel shows: the window's events and the streams they watch, per bucket.</summary>
/// <param name="Score">Mean score (classifiers) or mean predicted value (regression) per bucket; null where no data.</param>
/// <param name="Error">Error rate of labelled predictions per bucket (classifiers; empty for regression).</param>
public sealed record PossibleDriftView(IReadOnlyList<PossibleDriftEvent> Events, IReadOnlyList<DateTime> Times, double?[] Score, double?[] Error, bool Regression);

/// <summary>A possible-drift event as a table row.</summary>
public sealed record PossibleDriftRow(string Time, string Signal, string Detector, string Statistic, string Means, string? Version);

/// <summary>Loads <see cref="PossibleDriftView"/> from the events and the minute rollups (never raw rows).</summary>
public sealed class PossibleDriftDashboard(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    public const int MaxEvents = 50;

    public async Task<PossibleDriftView> LoadAsync(ModelHeader model, DashboardWindow window, string? version, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var range = window.At(time.GetUtcNow());
        var from = DateTime.UnixEpoch.AddMilliseconds(range.FromMs);
        var events = await PossibleDriftEndpoints.RecentAsync(db, model.Id, from, MaxEvents, cancellationToken, DateTime.UnixEpoch.AddMilliseconds(range.ToMs));
        var score = new (double Sum, long Count)[range.Buckets];
        var predictions = await db.PredictionRollups.AsNoTracking()
            .Where(r => r.ModelId == model.Id && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs && (version == null || r.Version == version))
            .Select(r => new { r.MinuteMs, r.ScoreSum, r.ScoreCount, r.ValueSum, r.ValueCount }).ToListAsync(cancellationToken);
        foreach (var r in predictions)
        {
            var b = Math.Clamp(range.BucketOf(r.MinuteMs), 0, score.Length - 1);
            score[b].Sum += model.IsClassifier ? r.ScoreSum : r.ValueSum;
            score[b].Count += model.IsClassifier ? r.ScoreCount : r.ValueCount;
        }

        var error = new (double Sum, long Count)[model.IsClassifier ? range.Buckets : 0];
        if (model.IsClassifier)
        {
            var labelled = await db.QualityRollups.AsNoTracking()
                .Where(r => r.ModelId == model.Id && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs && (version == null || r.Version == version))
                .Select(r => new { r.MinuteMs, r.Labelled, r.Correct }).ToListAsync(cancellationToken);
            foreach (var r in labelled)
            {
                var b = Math.Clamp(range.BucketOf(r.MinuteMs), 0, error.Length - 1);
                error[b].Sum += r.Labelled - r.Correct;
                error[b].Count += r.Labelled;
            }
        }

        return new PossibleDriftView(events, range.BucketStarts(), [.. score.Select(Mean)], [.. error.Select(Mean)], !model.IsClassifier);
    }

    /// <summary>The window's events only, newest first (for the Health tab's note).</summary>
    public async Task<List<PossibleDriftEvent>> LoadEventsAsync(ModelHeader model, DashboardWindow window, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var range = window.At(time.GetUtcNow());
        return await PossibleDriftEndpoints.RecentAsync(db, model.Id, DateTime.UnixEpoch.AddMilliseconds(range.FromMs), MaxEvents, cancellationToken,
            DateTime.UnixEpoch.AddMilliseconds(range.ToMs));
    }

    private static double? Mean((double Sum, long Count) b) => b.Count > 0 ? b.Sum / b.Count : null;

    public static string SignalName(string signal, bool regression) => signal switch
    {
        PossibleDriftEvent.ScoreSignal => regression ? "mean prediction" : "mean score",
        PossibleDriftEvent.ErrorSignal => "error rate",
        _ => signal,
    };

    public static string DetectorName(string detector) => detector switch
    {
        PossibleDriftEvent.PageHinkley => "Page–Hinkley",
        PossibleDriftEvent.Adwin => "ADWIN",
        _ => detector,
    };

    public static PossibleDriftRow Row(PossibleDriftEvent e, bool regression) => new(
        e.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        SignalName(e.Signal, regression),
        DetectorName(e.Detector),
        $"{Number(e.Statistic)} > {Number(e.Threshold)}",
        e.MeanBefore is { } before && e.MeanAfter is { } after ? $"{Number(before)} → {Number(after)}" : "—",
        e.Version);

    private static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
