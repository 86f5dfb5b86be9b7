using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Drift;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Data.Rollups;
using Portal.Web.Features.Drift;
using Portal.Web.Features.Ingestion.Reference;
using Portal.Web.Features.Models;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Features.Dashboards;

/// <summary>One feature's drift score with the test and threshold that judged it.</summary>
/// <param name="AdjustedPValue">The Benjamini–Hochberg adjusted p-value that decided <see cref="Drifted"/>, when the run adjusted p-values.</param>
public sealed record FeatureDriftScore(string Feature, string Test, double? Score, double Threshold, bool Drifted, DriftSeverity Severity, double Importance, double? AdjustedPValue = null)
{
    /// <summary>Whether a low score means drift (p-value tests) rather than a high one (distances).</summary>
    public bool IsPValue => DriftTestIds.IsPValueTest(Test);

    /// <summary>
    /// The score with the direction that means drift: "p-value 0.003 (smaller is worse; threshold 0.05)" for p-value
    /// tests, "0.31 (larger is worse; threshold 0.1)" for distances.
    /// </summary>
    public string ScoreText
    {
        get
        {
            var score = Score is { } s ? s.ToString("G4", CultureInfo.InvariantCulture) : "—";
            var threshold = Threshold.ToString("G4", CultureInfo.InvariantCulture);
            return IsPValue ? $"p-value {score} (smaller is worse; threshold {threshold})" : $"{score} (larger is worse; threshold {threshold})";
        }
    }
}

/// <summary>The verdict of one drift job run.</summary>
public sealed record DriftRunSummary(
    long Id, DateTime At, string? Version, string Baseline, DateTime WindowStart, DateTime WindowEnd, long CurrentCount,
    bool HasVerdict, bool DatasetDrift, double DriftShare, double WeightedDriftShare, int Features, int DriftedFeatures,
    DriftSeverity Severity, double? PredictionPsi, double? TargetPsi, bool BenjaminiHochberg = false, string? Message = null);

/// <summary>Data quality of one feature in the window, from the feature rollups.</summary>
public sealed record DataQualityRow(string Feature, string Type, long Count, long Missing, long OutOfRange, long NewCategories, bool InSchema)
{
    public double? MissingRate => PredictionStats.Ratio(Missing, Count + Missing);

    public double? OutOfRangeRate => PredictionStats.Ratio(OutOfRange, Count);

    public double? NewCategoryRate => PredictionStats.Ratio(NewCategories, Count);
}

/// <summary>Drift runs over time: the dataset drift share, prediction PSI, and each feature's strength per run.</summary>
public sealed record DriftHistory(IReadOnlyList<DriftRunSummary> Runs, IReadOnlyList<string> Features, double?[][] Strengths);

/// <summary>The drift tab's data.</summary>
/// <param name="Status">Every drift signal combined into the headline's level and reason (<see cref="DriftStatusRule"/>).</param>
/// <param name="LivePredictions">Predictions in the live estimate's span (only read without a drift run).</param>
/// <param name="MinSampleSize">The drift job's minimum sample: below it the live estimate gives no scores and no colour.</param>
public sealed record DriftView(
    int? ReferenceVersion, long ReferenceRows, DriftRunSummary? Latest, IReadOnlyList<FeatureDriftScore> Scores,
    bool ScoresAreLive, TimeSpan LiveSpan, DriftHistory History, IReadOnlyList<DataQualityRow> DataQuality,
    long Predictions, long SchemaViolations, DriftStatus Status, long LivePredictions = 0, int MinSampleSize = DriftSettings.DefaultMinSampleSize)
{
    /// <summary>A live estimate on fewer predictions than the drift job would judge.</summary>
    public bool LiveTooFew => Latest is null && LivePredictions < MinSampleSize;
}

/// <summary>
/// Drift tab: the latest stored drift run (DriftRun + DriftFeatureResult, written by the drift job) with its per-feature
/// scores; runs in the window for "drift over time"; data quality from the window's feature rollups. Without a run yet,
/// the per-feature scores are a live estimate: PSI on rollup sketches against the current reference (as the summary API).
/// </summary>
public sealed class DriftDashboard(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    /// <summary>Sketches of at most this much of the window feed the live estimate and the distribution overlay.</summary>
    public static readonly TimeSpan MaxSketchSpan = TimeSpan.FromHours(24);

    /// <summary>How often new predictions may recompute the live estimate (it reads every sketch of up to 24 h).</summary>
    public static readonly TimeSpan LiveEstimateInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Everything, or — given the <paramref name="previous"/> view and <paramref name="dataQualityOnly"/> — only the
    /// window's data quality and counts, keeping the previous runs and scores (new predictions do not change a stored run).
    /// </summary>
    public async Task<DriftView> LoadAsync(ModelHeader model, DashboardWindow window, string? version, CancellationToken cancellationToken = default,
        DriftView? previous = null, bool dataQualityOnly = false)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var range = window.At(now);
        var reference = await ReferenceUpload.Current(db, model.Id).Include(d => d.Columns).AsNoTracking().FirstOrDefaultAsync(cancellationToken);

        if (dataQualityOnly && previous is not null)
        {
            var (rows, predictions, violations) = await DataQualityAsync(db, model, range, version, cancellationToken);
            return previous with { DataQuality = rows, Predictions = predictions, SchemaViolations = violations };
        }

        var runs = db.DriftRuns.AsNoTracking().Where(r => r.ModelId == model.Id && r.ModelVersion == version);
        var from = DateTime.UnixEpoch.AddMilliseconds(range.FromMs);
        var to = DateTime.UnixEpoch.AddMilliseconds(range.ToMs);

        // The latest run as of the window's end (an absolute window in the past shows the verdict of its time).
        var latest = await runs.Where(r => r.At <= to).OrderByDescending(r => r.At).ThenByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        var inWindow = await runs.Where(r => r.At >= from && r.At <= to).OrderBy(r => r.At).Take(DashboardWindow.MaxPoints).ToListAsync(cancellationToken);
        var runIds = inWindow.Select(r => r.Id).Append(latest?.Id ?? 0).ToList();
        var results = await db.DriftFeatureResults.AsNoTracking().Where(f => runIds.Contains(f.DriftRunId)).ToListAsync(cancellationToken);

        var liveSpan = window.Span < MaxSketchSpan ? window.Span : MaxSketchSpan;
        var events = await db.PossibleDriftEvents.CountAsync(e => e.ModelId == model.Id && e.At >= from && e.At <= to, cancellationToken);
        IReadOnlyList<FeatureDriftScore> scores = [];
        DriftSignals signals;
        long livePredictions = 0;
        var minSample = await db.DriftSettings.Where(s => s.ModelId == model.Id).Select(s => (int?)s.MinSampleSize).FirstOrDefaultAsync(cancellationToken)
            ?? DriftSettings.DefaultMinSampleSize;
        if (latest is not null)
        {
            var latestResults = results.Where(f => f.DriftRunId == latest.Id).ToList();
            scores = [.. latestResults.OrderByDescending(f => f.Importance).ThenBy(f => f.Feature, StringComparer.Ordinal)
                .Select(f => new FeatureDriftScore(f.Feature, f.Test, f.Score, f.Threshold, f.Drifted, f.Severity, f.Importance, f.AdjustedPValue))];
            signals = DriftSignalsReader.FromRun(latest, latestResults, events);
        }
        else
        {
            var liveRange = LiveRange(window, now);
            livePredictions = await db.PredictionRollups.Where(r => r.ModelId == model.Id && r.MinuteMs >= liveRange.FromMs && r.MinuteMs <= liveRange.ToMs)
                .SumAsync(r => (long?)r.Count, cancellationToken) ?? 0;
            if (reference is not null && livePredictions >= minSample)
            {
                scores = await LiveScoresAsync(db, model, reference, liveRange, cancellationToken);
            }

            // The live estimate has no weighted severity: any drifted feature is amber, never red on its own.
            signals = new DriftSignals(scores.Count > 0, scores.Count,
                [.. scores.Where(s => s.Drifted).Select(s => new DriftedFeature(s.Feature, DriftCharts.Strength(s.Test, s.Score, s.Threshold)))],
                DriftSeverity.None, PossibleDriftEvents: events);
        }

        var (dataQuality, count, schemaViolations) = await DataQualityAsync(db, model, range, version, cancellationToken);
        return new DriftView(
            reference?.Version, reference?.RowCount ?? 0, latest is null ? null : Summary(latest), scores, latest is null, liveSpan,
            History(inWindow, results), dataQuality, count, schemaViolations, DriftStatusRule.Judge(signals), livePredictions, minSample);
    }

    /// <summary>The last <see cref="MaxSketchSpan"/> (at most) of the window, in minutes: what the live sketches cover.</summary>
    private static TimeRange LiveRange(DashboardWindow window, DateTimeOffset now) =>
        TimeRange.Create(window.EndAt(now) - (window.Span < MaxSketchSpan ? window.Span : MaxSketchSpan), window.EndAt(now), TimeSpan.FromMinutes(1));

    private static async Task<(List<DataQualityRow> Rows, long Predictions, long SchemaViolations)> DataQualityAsync(
        PortalDbContext db, ModelHeader model, TimeRange range, string? version, CancellationToken cancellationToken)
    {
        var quality = await db.FeatureRollups.AsNoTracking()
            .Where(r => r.ModelId == model.Id && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs)
            .GroupBy(r => new { r.Feature, r.Type })
            .Select(g => new { g.Key.Feature, g.Key.Type, Count = g.Sum(r => r.Count), Missing = g.Sum(r => r.Missing), OutOfRange = g.Sum(r => r.OutOfRange), NewCategories = g.Sum(r => r.NewCategories) })
            .ToListAsync(cancellationToken);
        var order = model.Features.Select(f => f.Name).ToList();
        var rows = quality.GroupBy(q => q.Feature)
            .Select(g =>
            {
                var schema = model.Features.FirstOrDefault(f => f.Name == g.Key);
                var type = schema?.Type ?? g.OrderByDescending(x => x.Count).First().Type;
                return new DataQualityRow(g.Key, type.ToString().ToLowerInvariant(), g.Where(x => x.Type == type).Sum(x => x.Count), g.Sum(x => x.Missing),
                    g.Sum(x => x.OutOfRange), g.Sum(x => x.NewCategories), schema is not null);
            })
            .OrderBy(r => order.IndexOf(r.Feature) is var i && i < 0 ? int.MaxValue : i).ThenBy(r => r.Feature, StringComparer.Ordinal)
            .ToList();
        var counts = await db.PredictionRollups.Where(r => r.ModelId == model.Id && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs && (version == null || r.Version == version))
            .GroupBy(_ => 1).Select(g => new { Count = g.Sum(r => r.Count), Violations = g.Sum(r => r.SchemaViolations) })
            .SingleOrDefaultAsync(cancellationToken);
        return (rows, counts?.Count ?? 0, counts?.Violations ?? 0);
    }

    /// <summary>Reference (current reference dataset's sketch) vs the window's rollup sketches of one feature.</summary>
    public async Task<DriftCharts.Distribution?> LoadDistributionAsync(ModelHeader model, string feature, DashboardWindow window, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var range = LiveRange(window, now);
        var reference = await ReferenceUpload.Current(db, model.Id).AsNoTracking()
            .SelectMany(d => d.Columns).Where(c => c.Name == feature).FirstOrDefaultAsync(cancellationToken);
        var type = model.Features.FirstOrDefault(f => f.Name == feature)?.Type ?? reference?.Type ?? FeatureType.Numerical;
        var sketches = await db.FeatureRollups.AsNoTracking()
            .Where(r => r.ModelId == model.Id && r.Feature == feature && r.Type == type && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs)
            .Select(r => r.Sketch).ToListAsync(cancellationToken);
        var referenceSketch = reference?.Type == type ? reference.Sketch : null;
        if (referenceSketch is null && sketches.Count == 0)
        {
            return null;
        }

        if (type == FeatureType.Numerical)
        {
            var current = new LogHistogram();
            sketches.ForEach(s => current.Merge(LogHistogram.FromJson(s)));
            return DriftCharts.Overlay(LogHistogram.FromJson(referenceSketch), current);
        }

        var categories = new Dictionary<string, long>();
        sketches.ForEach(s => TopK.Merge(categories, TopK.FromJson(s)));
        return DriftCharts.Overlay(TopK.FromJson(referenceSketch), categories);
    }

    private static async Task<IReadOnlyList<FeatureDriftScore>> LiveScoresAsync(
        PortalDbContext db, ModelHeader model, ReferenceDataset reference, TimeRange range, CancellationToken cancellationToken)
    {
        var rows = await db.FeatureRollups.AsNoTracking()
            .Where(r => r.ModelId == model.Id && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs)
            .Select(r => new { r.Feature, r.Type, r.Sketch })
            .ToListAsync(cancellationToken);
        var scores = new List<FeatureDriftScore>();
        foreach (var feature in model.Features)
        {
            var column = reference.Columns.FirstOrDefault(c => c.Name == feature.Name && c.Type == feature.Type);
            var sketches = rows.Where(r => r.Feature == feature.Name && r.Type == feature.Type).Select(r => r.Sketch).ToList();
            if (column is null || sketches.Count == 0)
            {
                continue;
            }

            double psi;
            if (feature.Type == FeatureType.Numerical)
            {
                var current = new LogHistogram();
                sketches.ForEach(s => current.Merge(LogHistogram.FromJson(s)));
                psi = SketchDrift.NumericalPsi(LogHistogram.FromJson(column.Sketch), current);
            }
            else
            {
                var current = new Dictionary<string, long>();
                sketches.ForEach(s => TopK.Merge(current, TopK.FromJson(s)));
                psi = SketchDrift.CategoricalPsi(TopK.FromJson(column.Sketch), current);
            }

            if (!double.IsNaN(psi))
            {
                var drifted = psi >= SketchDrift.PsiThreshold;
                scores.Add(new FeatureDriftScore(feature.Name, DriftTestIds.Psi, psi, SketchDrift.PsiThreshold, drifted,
                    drifted ? DriftSeverity.Warning : DriftSeverity.None, feature.Importance ?? 0));
            }
        }

        return scores;
    }

    private static DriftHistory History(List<DriftRun> runs, List<DriftFeatureResult> results)
    {
        var features = results.Where(f => runs.Any(r => r.Id == f.DriftRunId))
            .GroupBy(f => f.Feature).OrderByDescending(g => g.Max(f => f.Importance)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();
        var byRun = results.ToLookup(f => f.DriftRunId);
        var strengths = features.Select(feature => runs.Select(run =>
        {
            var result = byRun[run.Id].FirstOrDefault(f => f.Feature == feature);
            return result is null ? null : DriftCharts.Strength(result.Test, result.AdjustedPValue ?? result.Score, result.Threshold);
        }).ToArray()).ToArray();
        return new DriftHistory([.. runs.Select(Summary)], features, strengths);
    }

    private static DriftRunSummary Summary(DriftRun r) => new(
        r.Id, r.At, r.ModelVersion, r.Baseline, r.WindowStart, r.WindowEnd, r.CurrentCount, r.HasVerdict, r.DatasetDrift, r.DriftShare,
        r.WeightedDriftShare, r.Features, r.DriftedFeatures, r.Severity, r.PredictionPsi, r.TargetPsi, r.BenjaminiHochberg, r.Message);
}
