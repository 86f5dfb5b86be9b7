using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Data.Entities;
using Portal.Data.Rollups;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Features.Dashboards;

/// <summary>One metric over time: each point covers the trailing rolling span ending at that bucket.</summary>
public sealed record MetricSeries(string Name, double?[] Values, string Format);

/// <summary>Predictions, labelled predictions and the main metric of one model version in the window.</summary>
public sealed record VersionQuality(string Version, long Predictions, long Labelled, double? Metric, double? LowConfidenceRate);

/// <summary>The quality tab's data for a window, from prediction and quality rollups.</summary>
public sealed record QualityView(
    bool Regression, IReadOnlyList<DateTime> Times, TimeSpan RollingSpan,
    IReadOnlyList<string> Classes, IReadOnlyList<long[]> ClassCounts, double?[] PredictedMeans,
    long[] ScoreBins, long ScoreCount, double? MeanScore,
    long Predictions, long LowConfidence, double? LowConfidenceRate, double?[] LowConfidenceRates,
    QualityStats Labelled, IReadOnlyList<MetricSeries> Metrics, double?[] Coverage,
    IReadOnlyList<VersionQuality> Versions, ConfusionMatrix? Confusion = null)
{
    public double? LabelCoverage => PredictionStats.Ratio(Labelled.Labelled, Predictions);
}

/// <summary>
/// Labelled predictions counted by (true class, predicted class): rows are true classes, columns predicted ones, both in
/// <see cref="Classes"/> order. Read from the confusion rollups, the same for binary and multiclass models.
/// </summary>
public sealed record ConfusionMatrix(IReadOnlyList<string> Classes, long[][] Counts)
{
    /// <summary>Classes shown at most; the rest are summed as "other".</summary>
    public const int MaxClasses = 12;

    /// <summary>The row and column of every class past <see cref="MaxClasses"/> (and of the rollups' own "other").</summary>
    public const string OtherLabel = "(other)";

    public long Total => Counts.Sum(row => row.Sum());

    public long RowTotal(int row) => Counts[row].Sum();

    /// <summary>
    /// The matrix of summed pairs: the <see cref="MaxClasses"/> classes with most labelled predictions (true or predicted),
    /// in natural order (numerically when every class is a number), then "(other)" for the rest.
    /// </summary>
    public static ConfusionMatrix From(IEnumerable<(string True, string Predicted, long Count)> pairs)
    {
        var list = pairs.Where(p => p.Count > 0).ToList();
        var weight = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (t, p, n) in list)
        {
            weight[t] = weight.GetValueOrDefault(t) + n;
            weight[p] = weight.GetValueOrDefault(p) + n;
        }

        var kept = weight.Where(w => w.Key is not ConfusionRollup.Other and not OtherLabel).OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal)
            .Take(MaxClasses).Select(w => w.Key).ToList();
        var numeric = kept.All(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var classes = numeric
            ? kept.OrderBy(c => double.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture)).ToList()
            : kept.Order(StringComparer.Ordinal).ToList();
        if (weight.Keys.Any(c => !kept.Contains(c)))
        {
            classes.Add(OtherLabel);
        }

        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var counts = classes.Select(_ => new long[classes.Count]).ToArray();
        foreach (var (t, p, n) in list)
        {
            counts[Index(t)][Index(p)] += n;
        }

        return new ConfusionMatrix(classes, counts);

        int Index(string c) => index.TryGetValue(c, out var i) ? i : index[OtherLabel];
    }
}

/// <summary>
/// Quality tab: class (or predicted value) distribution over time, confidence histogram, low-confidence rate, and
/// metrics on rolling windows as labels arrive, with the label coverage of each point. Reads rollups only.
/// </summary>
public sealed class QualityDashboard(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    /// <summary>At most this many classes get their own series; the rest are summed as "other".</summary>
    public const int MaxClasses = 8;

    /// <summary>Each metric point covers this fraction of the window (at least one bucket).</summary>
    public const int RollingFraction = 12;

    /// <summary>
    /// The latest per-segment results of the scheduled quality job, for the job window closest to the dashboard's
    /// (1h, 1d or 7d) and the chosen version ("" = all versions).
    /// </summary>
    public async Task<IReadOnlyList<SegmentQualityTable.Row>> LoadSegmentsAsync(ModelHeader model, DashboardWindow window, string? version, bool regression, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var jobWindow = JobWindows.Nearest(window.Span);
        var versionKey = version ?? "";
        var end = window.EndAt(time.GetUtcNow()).UtcDateTime;
        var rows = await db.QualityResults.AsNoTracking()
            .Where(r => r.ModelId == model.Id && r.Window == jobWindow && r.Version == versionKey && r.Segment != "" && r.At <= end)
            .GroupBy(r => r.Segment)
            .Select(g => g.OrderByDescending(r => r.At).First())
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Segment, StringComparer.Ordinal)
            .Select(r => new SegmentQualityTable.Row(r.Segment, r.Window, r.Labelled, regression ? r.Mae : r.Accuracy, r.At))
            .ToList();
    }

    public async Task<QualityView> LoadAsync(ModelHeader model, DashboardWindow window, string? version, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var range = window.At(time.GetUtcNow());
        var predictions = await RollupQueries.PredictionsAsync(db, model.Id, version, range, RollupParts.Scores, cancellationToken);
        var quality = await RollupQueries.QualityAsync(db, model.Id, version, range, cancellationToken);
        var versionRows = await db.PredictionRollups.AsNoTracking()
            .Where(r => r.ModelId == model.Id && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs)
            .GroupBy(r => r.Version)
            .Select(g => new { Version = g.Key, Count = g.Sum(r => r.Count), Errors = g.Sum(r => r.Errors), Low = g.Sum(r => r.LowConfidence) })
            .ToListAsync(cancellationToken);
        var versionQuality = await db.QualityRollups.AsNoTracking()
            .Where(r => r.ModelId == model.Id && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs)
            .GroupBy(r => r.Version)
            .Select(g => new { Version = g.Key, Labelled = g.Sum(r => r.Labelled), Correct = g.Sum(r => r.Correct), Abs = g.Sum(r => r.AbsErrorSum) })
            .ToListAsync(cancellationToken);
        var versions = versionRows.OrderBy(v => v.Version, StringComparer.Ordinal).Select(v =>
        {
            var q = versionQuality.FirstOrDefault(x => x.Version == v.Version);
            var metric = q is null ? null : model.IsClassifier ? PredictionStats.Ratio(q.Correct, q.Labelled) : PredictionStats.Ratio(q.Abs, q.Labelled);
            return new VersionQuality(v.Version, v.Count, q?.Labelled ?? 0, metric, model.IsClassifier ? PredictionStats.Ratio(v.Low, v.Count - v.Errors) : null);
        }).ToList();
        var confusion = model.IsClassifier ? await ConfusionAsync(db, model.Id, version, range, cancellationToken) : null;
        return Build(model.IsClassifier, range, predictions, quality, versions) with { Confusion = confusion };
    }

    /// <summary>The window's confusion pairs summed in SQL (one row per pair, not per minute).</summary>
    public static async Task<ConfusionMatrix> ConfusionAsync(PortalDbContext db, int modelId, string? version, TimeRange range, CancellationToken cancellationToken)
    {
        var pairs = await db.ConfusionRollups.AsNoTracking()
            .Where(r => r.ModelId == modelId && r.MinuteMs >= range.FromMs && r.MinuteMs <= range.ToMs && (version == null || r.Version == version))
            .GroupBy(r => new { r.TrueClass, r.PredictedClass })
            .Select(g => new { g.Key.TrueClass, g.Key.PredictedClass, Count = g.Sum(r => r.Count) })
            .ToListAsync(cancellationToken);
        return ConfusionMatrix.From(pairs.Select(p => (p.TrueClass, p.PredictedClass, p.Count)));
    }

    public static QualityView Build(bool classifier, TimeRange range, BucketedStats<PredictionStats> predictions, BucketedStats<QualityStats> quality, IReadOnlyList<VersionQuality> versions)
    {
        var total = predictions.Total;
        var classes = total.Classes.Where(c => c.Key != TopK.Other).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(MaxClasses).Select(c => c.Key).ToList();
        var hasOther = total.Classes.Keys.Any(k => !classes.Contains(k));
        var classCounts = classes.Select(c => predictions.Buckets.Select(b => b.Classes.GetValueOrDefault(c)).ToArray()).ToList();
        if (hasOther)
        {
            classes.Add("other");
            classCounts.Add([.. predictions.Buckets.Select(b => b.Classes.Where(kv => !classes.Contains(kv.Key)).Sum(kv => kv.Value))]);
        }

        var rolling = Math.Max(1, range.Buckets / RollingFraction);
        var labelled = Rolling(quality.Buckets, rolling);
        var counts = Rolling(predictions.Buckets.Select(b => b.Count).ToArray(), rolling);
        var metrics = classifier
            ? new List<MetricSeries>
            {
                new("accuracy", [.. labelled.Select(q => q.Accuracy)], "P1"),
                new("precision", [.. labelled.Select(q => q.Precision)], "P1"),
                new("recall", [.. labelled.Select(q => q.Recall)], "P1"),
                new("F1", [.. labelled.Select(q => q.F1)], "P1"),
            }
            : [new("MAE", [.. labelled.Select(q => q.Mae)], "G4"), new("RMSE", [.. labelled.Select(q => q.Rmse)], "G4"), new("R²", [.. labelled.Select(q => q.R2)], "F3")];
        if (classifier && !quality.Total.HasBinaryCounts)
        {
            metrics = metrics.Take(1).ToList();
        }

        return new QualityView(
            !classifier, range.BucketStarts(), TimeSpan.FromMilliseconds(rolling * range.BucketMs),
            classes, classCounts, [.. predictions.Buckets.Select(b => b.ValueMean)],
            total.ScoreBins, total.ScoreCount, PredictionStats.Ratio(total.ScoreSum, total.ScoreCount),
            total.Count, total.LowConfidence, classifier ? total.LowConfidenceRate : null,
            [.. predictions.Buckets.Select(b => classifier ? b.LowConfidenceRate : null)],
            quality.Total, metrics,
            [.. labelled.Zip(counts, (q, n) => PredictionStats.Ratio(q.Labelled, n))],
            versions);
    }

    /// <summary>For each bucket, the sum of it and the <paramref name="span"/> − 1 buckets before it.</summary>
    public static QualityStats[] Rolling(QualityStats[] buckets, int span)
    {
        var result = new QualityStats[buckets.Length];
        for (var i = 0; i < buckets.Length; i++)
        {
            result[i] = new QualityStats();
            for (var j = Math.Max(0, i - span + 1); j <= i; j++)
            {
                result[i].Add(buckets[j]);
            }
        }

        return result;
    }

    public static long[] Rolling(long[] buckets, int span)
    {
        var result = new long[buckets.Length];
        long sum = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            sum += buckets[i];
            if (i >= span)
            {
                sum -= buckets[i - span];
            }

            result[i] = sum;
        }

        return result;
    }
}
