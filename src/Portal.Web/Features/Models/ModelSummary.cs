using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Rollups;
using Portal.Web.Features.Ingestion;
using Portal.Web.Features.Ingestion.Reference;
using Portal.Web.Infrastructure.Auth;
using static Portal.Web.Infrastructure.Figures;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Features.Models;

/// <summary>
/// GET /api/v1/models/{model}/summary?window=1h — RED, quality and drift figures of a window, read from the
/// per-minute rollups only. Latency percentiles come from the log-bucket histogram: within ±2 % (relative).
/// </summary>
public static partial class ModelSummary
{
    public sealed record Summary(
        string Model, string TaskType, string Window, DateTimeOffset From, DateTimeOffset To,
        long Predictions, long Errors, double? ErrorRate, double RatePerMinute, long SchemaViolations,
        LatencySummary LatencyMs, ScoreSummary Scores, Dictionary<string, long> ClassCounts, long LowConfidence, double? LowConfidenceRate,
        RegressionOutput? PredictedValues, IReadOnlyList<VersionSummary> Versions, QualitySummary Quality,
        IReadOnlyList<FeatureSummary> Features, DriftSummary Drift);

    public sealed record LatencySummary(long Count, double? Mean, double? P50, double? P95, double? P99, double? Max, double RelativeError);

    public sealed record ScoreSummary(long Count, double? Mean, long[] Histogram);

    public sealed record RegressionOutput(long Count, double? Mean, double? Std);

    public sealed record VersionSummary(string Version, long Predictions, long Errors);

    public sealed record QualitySummary(
        long Labelled, double? Accuracy, double? Precision, double? Recall, double? F1, double? Mae, double? Rmse, double? R2);

    public sealed record FeatureSummary(
        string Name, string Type, long Count, long Missing, double? MissingRate, double? Mean, double? Std, double? Min, double? Max,
        long OutOfRange, long NewCategories, FeatureDrift? Drift);

    public sealed record FeatureDrift(string Test, double Value, double Threshold, bool Drifted);

    public sealed record DriftSummary(int? ReferenceVersion, int Features, int DriftedFeatures, double? DriftShare, string Method);

    [GeneratedRegex("^([0-9]{1,5})([mhd])\\z")]
    private static partial Regex WindowPattern();

    public static TimeSpan ParseWindow(string? window)
    {
        var match = WindowPattern().Match(window ?? "1h");
        if (!match.Success)
        {
            throw new AnalysisInputException("window", $"'{window}' is not a window: use minutes, hours or days such as 15m, 1h, 24h, 7d.");
        }

        var n = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var span = match.Groups[2].Value switch { "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
        return span >= TimeSpan.FromMinutes(1) && span <= TimeSpan.FromDays(400)
            ? span
            : throw new AnalysisInputException("window", "must be between 1m and 400d.");
    }

    public static async Task<Ok<Summary>> HandleAsync(string? window, RouteModel route, PortalDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var span = ParseWindow(window);
        var to = time.GetUtcNow();
        var from = to - span;
        var fromMinute = RollupAccumulator.MinuteOf(from.ToUnixTimeMilliseconds());
        return TypedResults.Ok(await BuildAsync(db, route.Entity, window ?? "1h", from, to, fromMinute, cancellationToken));
    }

    public static async Task<Summary> BuildAsync(PortalDbContext db, MlModel model, string window, DateTimeOffset from, DateTimeOffset to, long fromMinute, CancellationToken cancellationToken)
    {
        var toMs = to.ToUnixTimeMilliseconds();
        var rollups = await db.PredictionRollups.AsNoTracking().Where(r => r.ModelId == model.Id && r.MinuteMs >= fromMinute && r.MinuteMs <= toMs).ToListAsync(cancellationToken);
        var quality = await db.QualityRollups.AsNoTracking().Where(r => r.ModelId == model.Id && r.MinuteMs >= fromMinute && r.MinuteMs <= toMs).ToListAsync(cancellationToken);
        var features = await db.FeatureRollups.AsNoTracking().Where(r => r.ModelId == model.Id && r.MinuteMs >= fromMinute && r.MinuteMs <= toMs).ToListAsync(cancellationToken);
        var reference = await ReferenceUpload.Current(db, model.Id).Include(d => d.Columns).AsNoTracking().FirstOrDefaultAsync(cancellationToken);

        long count = 0, errors = 0, violations = 0, latencyCount = 0, scoreCount = 0, low = 0, valueCount = 0;
        double latencySum = 0, latencyMax = 0, scoreSum = 0, valueSum = 0, valueSumSq = 0;
        var latency = new LogHistogram();
        var scoreBins = new long[ScoreHistogram.Bins];
        var classes = new Dictionary<string, long>();
        foreach (var r in rollups)
        {
            count += r.Count;
            errors += r.Errors;
            violations += r.SchemaViolations;
            latencyCount += r.LatencyCount;
            latencySum += r.LatencySumMs;
            latencyMax = Math.Max(latencyMax, r.LatencyMaxMs);
            latency.Merge(LogHistogram.FromJson(r.LatencyBuckets));
            scoreCount += r.ScoreCount;
            scoreSum += r.ScoreSum;
            var bins = ScoreHistogram.FromJson(r.ScoreBins);
            for (var i = 0; i < bins.Length; i++)
            {
                scoreBins[i] += bins[i];
            }

            TopK.Merge(classes, TopK.FromJson(r.ClassCounts));
            low += r.LowConfidence;
            valueCount += r.ValueCount;
            valueSum += r.ValueSum;
            valueSumSq += r.ValueSumSq;
        }

        var minutes = Math.Max(1, (to - from).TotalMinutes);
        var classified = model.TaskType != ModelTaskType.Regression;
        var featureSummaries = Features(model, features, reference);
        var withDrift = featureSummaries.Where(f => f.Drift is not null).ToList();
        var drifted = withDrift.Count(f => f.Drift!.Drifted);
        return new Summary(
            model.Name, model.TaskType.ToString().ToLowerInvariant(), window, from, to,
            count, errors, Ratio(errors, count), count / minutes, violations,
            new LatencySummary(latencyCount, Ratio(latencySum, latencyCount), latency.Quantile(0.5), latency.Quantile(0.95), latency.Quantile(0.99),
                latencyCount > 0 ? Finite(latencyMax) : null, LogHistogram.RelativeError),
            new ScoreSummary(scoreCount, Ratio(scoreSum, scoreCount), scoreBins),
            classes, low, classified ? Ratio(low, count - errors) : null,
            classified ? null : new RegressionOutput(valueCount, Ratio(valueSum, valueCount), Std(valueCount, valueSum, valueSumSq)),
            rollups.GroupBy(r => r.Version).OrderBy(g => g.Key).Select(g => new VersionSummary(g.Key, g.Sum(r => r.Count), g.Sum(r => r.Errors))).ToList(),
            Quality(model.TaskType, quality),
            featureSummaries,
            new DriftSummary(reference?.Version, withDrift.Count, drifted, withDrift.Count > 0 ? (double)drifted / withDrift.Count : null,
                "psi on rollup sketches vs the current reference (10 reference-decile bins for numbers, categories for categorical)"));
    }

    private static QualitySummary Quality(ModelTaskType task, List<QualityRollup> rows)
    {
        long n = rows.Sum(r => r.Labelled);
        if (task == ModelTaskType.Regression)
        {
            double abs = rows.Sum(r => r.AbsErrorSum), sq = rows.Sum(r => r.SqErrorSum), y = rows.Sum(r => r.LabelSum), y2 = rows.Sum(r => r.LabelSumSq);
            var total = n > 0 ? y2 - (y * y / n) : 0;
            return new QualitySummary(n, null, null, null, null, Ratio(abs, n), n > 0 ? Finite(Math.Sqrt(sq / n)) : null, n > 1 && total > 0 ? Finite(1 - (sq / total)) : null);
        }

        long tp = rows.Sum(r => r.TruePositives), fp = rows.Sum(r => r.FalsePositives), fn = rows.Sum(r => r.FalseNegatives);
        var binary = task == ModelTaskType.Binary;
        var precision = binary ? Ratio(tp, tp + fp) : null;
        var recall = binary ? Ratio(tp, tp + fn) : null;
        double? f1 = precision is { } p && recall is { } r && p + r > 0 ? 2 * p * r / (p + r) : null;
        return new QualitySummary(n, Ratio(rows.Sum(x => x.Correct), n), precision, recall, f1, null, null, null);
    }

    private static List<FeatureSummary> Features(MlModel model, List<FeatureRollup> rows, ReferenceDataset? reference)
    {
        var schema = model.Features.ToDictionary(f => f.Name);
        var order = model.Features.OrderBy(f => f.Ordinal).Select(f => f.Name).ToList();
        var result = new List<FeatureSummary>();
        foreach (var group in rows.GroupBy(r => r.Feature).OrderBy(g => order.IndexOf(g.Key) is var i && i < 0 ? int.MaxValue : i).ThenBy(g => g.Key))
        {
            var type = schema.TryGetValue(group.Key, out var f) ? f.Type : group.First().Type;
            var typed = group.Where(r => r.Type == type).ToList();
            long count = typed.Sum(r => r.Count), missing = group.Sum(r => r.Missing);
            double sum = typed.Sum(r => r.Sum), sumSq = typed.Sum(r => r.SumSq);
            var column = reference?.Columns.FirstOrDefault(c => c.Name == group.Key && c.Type == type);
            FeatureDrift? drift = null;
            if (type == FeatureType.Numerical)
            {
                var sketch = new LogHistogram();
                typed.ForEach(r => sketch.Merge(LogHistogram.FromJson(r.Sketch)));
                if (column is not null)
                {
                    drift = Drift(SketchDrift.NumericalPsi(LogHistogram.FromJson(column.Sketch), sketch));
                }
            }
            else if (column is not null)
            {
                var sketch = new Dictionary<string, long>();
                typed.ForEach(r => TopK.Merge(sketch, TopK.FromJson(r.Sketch)));
                drift = Drift(SketchDrift.CategoricalPsi(TopK.FromJson(column.Sketch), sketch));
            }

            var numerical = type == FeatureType.Numerical;
            result.Add(new FeatureSummary(
                group.Key, type.ToString().ToLowerInvariant(), count, missing, Ratio(missing, count + missing),
                numerical ? Ratio(sum, count) : null, numerical ? Std(count, sum, sumSq) : null,
                numerical ? Finite(typed.Min(r => r.Min)) : null, numerical ? Finite(typed.Max(r => r.Max)) : null,
                group.Sum(r => r.OutOfRange), group.Sum(r => r.NewCategories), drift));
        }

        return result;
    }

    private static FeatureDrift? Drift(double psi) =>
        double.IsNaN(psi) ? null : new FeatureDrift("psi", Math.Round(psi, 6), SketchDrift.PsiThreshold, psi >= SketchDrift.PsiThreshold);

    private static double? Std(long n, double sum, double sumSq) =>
        n > 1 ? Finite(Math.Sqrt(Math.Max(0, (sumSq - (sum * sum / n)) / (n - 1)))) : null;

}
