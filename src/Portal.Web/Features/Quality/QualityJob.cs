using System.Globalization;
using System.Text.Json;
using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Analysis.Performance;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Jobs;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Features.Quality;

/// <summary>
/// The quality job of one model: rolling metrics over the last 1h, 1d and 7d (by prediction time, whole minutes), for all
/// predictions, per version and per segment, as labels arrive. Counts-based metrics of the all-segment rows come from the
/// quality rollups (exact); AUC, log loss, MAPE, multiclass averages, label delays and the segment rows come from the
/// labelled raw pairs (labels joined to predictions by predictionId) through Portal.Analysis.Performance. For binary
/// models with a reference holding scores and labels, the all-segment rows also carry performance estimated without
/// labels from the scores of every prediction of the window (<see cref="PerformanceEstimator"/>).
/// </summary>
public sealed class QualityJob(PortalDbContext db, JobRunRecorder recorder, PerformanceEstimator estimator, IOptions<JobsOptions> options, TimeProvider time, ILogger<QualityJob> logger)
{
    public const string JobType = "quality";

    public static readonly IReadOnlyList<(JobWindow Window, TimeSpan Length)> Windows =
        [.. JobWindows.All.Select(w => (w, JobWindows.Length(w)))];

    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(int modelId, PerformContext? context, CancellationToken cancellationToken)
    {
        if (await QualitySchedules.Job.ModelAsync(db, modelId, logger, cancellationToken) is not { } model)
        {
            return;
        }

        // Windows end with the current minute so the rollups (per minute) and the raw rows cover the same predictions.
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var end = DateTimeOffset.FromUnixTimeMilliseconds(RollupAccumulator.MinuteOf(nowMs) + 60_000).UtcDateTime;
        await recorder.RunAsync(JobType, model.Id, model.Name, (end - Windows[^1].Length, end), (run, token) => ComputeAsync(model, end, run, token), context, cancellationToken);
    }

    private async Task<JobResult> ComputeAsync(MlModel model, DateTime end, JobRun run, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow().UtcDateTime;
        var cap = Math.Max(1, options.Value.QualityMaxPairs);
        var rows = new List<QualityResult>();
        var sampled = new Dictionary<string, int>();
        var (reference, note) = await estimator.ReferenceAsync(model, cancellationToken);
        foreach (var (name, length) in Windows)
        {
            var start = end - length;
            var rollups = await RollupsAsync(model.Id, start, end, cancellationToken);
            var (pairs, stride) = await PairsAsync(model, start, end, cap, cancellationToken);
            var (scores, scoreStride) = reference is null ? ([], 1) : await ScoresAsync(model.Id, start, end, cap, cancellationToken);
            sampled[JobWindows.Name(name)] = stride;
            foreach (var group in Groups(pairs, rollups))
            {
                var result = Compute(model.TaskType, group.Pairs, group.Rollup);
                result.JobRunId = run.Id;
                result.ModelId = model.Id;
                result.At = at;
                result.Window = name;
                result.WindowStart = start;
                result.WindowEnd = end;
                result.Version = group.Version;
                result.Segment = group.Segment;
                if (group.Rollup is null)
                {
                    result.Labelled = (long)group.Pairs.Count * stride;
                }

                if (group.Segment == "")
                {
                    Estimate(result, reference, note, group.Version == "" ? scores : scores.Where(s => s.Version == group.Version).ToList(), scoreStride);
                }

                rows.Add(result);
            }
        }

        run.InputJson = JsonSerializer.Serialize(new { end, windows = Windows.Select(w => JobWindows.Name(w.Window)), maxPairs = cap, samplingStride = sampled, estimationReference = reference?.DatasetId });
        db.QualityResults.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);

        var latest = rows.Where(r => r.Version == "" && r.Segment == "").ToList();
        var estimated = latest.First(r => r.Window == JobWindow.Day) is { EstimatedAccuracy: { } a } d
            ? $"; estimated 1d accuracy {Show(a)} from {d.EstimationScores} scores"
            : $"; no estimate: {latest.Select(r => r.EstimationNote).FirstOrDefault(n => n is not null) ?? "no scores"}";
        if (latest.All(r => r.Labelled == 0))
        {
            return new JobResult("not enough data: no labelled predictions in the last 7 days" + estimated, NotEnoughData: true);
        }

        var hour = latest.First(r => r.Window == JobWindow.Hour);
        var day = latest.First(r => r.Window == JobWindow.Day);
        var headline = model.TaskType == ModelTaskType.Regression
            ? $"1d: {day.Labelled} labelled, MAE {Show(day.Mae)}, RMSE {Show(day.Rmse)}"
            : $"1d: {day.Labelled} labelled, accuracy {Show(day.Accuracy)}, F1 {Show(day.F1)}";
        return new JobResult($"{headline}; 1h: {hour.Labelled} labelled; {rows.Count} results{estimated}");
    }

    /// <summary>Estimated performance of one all-segment row from its window's scores, or the reason there is none.</summary>
    private void Estimate(QualityResult result, PerformanceEstimator.Reference? reference, string? note, List<ScoredPrediction> scores, int stride)
    {
        if (reference is null)
        {
            result.EstimationNote = note;
            return;
        }

        if (scores.Count == 0)
        {
            result.EstimationNote = "No scored predictions in this window.";
            return;
        }

        var (cbpe, fitNote) = estimator.ModelFor(reference);
        if (cbpe is null)
        {
            result.EstimationNote = fitNote;
            return;
        }

        PerformanceEstimator.Apply(result, cbpe, reference, scores.Select(s => s.Score).ToList(), scores.Select(s => s.Predicted).ToList());
        result.EstimationScores = scores.Count * stride;
    }

    /// <summary>
    /// Scores (probability of class "1") of every prediction of the window, labelled or not, with their version; every
    /// k-th by id when there are more than the cap. Scores outside [0, 1] are not probabilities and are left out.
    /// </summary>
    private async Task<(List<ScoredPrediction> Scores, int Stride)> ScoresAsync(int modelId, DateTime start, DateTime end, int cap, CancellationToken cancellationToken)
    {
        var (from, to) = (PredictionWindowReader.Ms(start), PredictionWindowReader.Ms(end));
        var query = db.PredictionEvents.AsNoTracking()
            .Where(p => p.ModelId == modelId && p.TimestampMs >= from && p.TimestampMs < to && (p.Score != null || p.Probabilities != null));
        var stride = PredictionWindowReader.Stride(await query.CountAsync(cancellationToken), cap);
        if (stride > 1)
        {
            query = query.Where(p => p.Id % stride == 0);
        }

        var scores = new List<ScoredPrediction>();
        await foreach (var row in query.Select(p => new { p.ModelVersion, p.Score, p.Probabilities, p.Prediction }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if ((row.Score ?? PositiveProbability(row.Probabilities)) is { } score && score is >= 0 and <= 1)
            {
                // ŷ as posted; a prediction without a class text falls back to the 0.5 threshold.
                var predicted = row.Prediction is null ? score >= 0.5 : BinaryLabel.IsPositive(row.Prediction);
                scores.Add(new ScoredPrediction(row.ModelVersion ?? "", score, predicted));
            }
        }

        return (scores, stride);
    }

    /// <summary>A scored prediction of the window: its version, score and posted class (true = positive).</summary>
    private sealed record ScoredPrediction(string Version, double Score, bool Predicted);

    /// <summary>A labelled prediction.</summary>
    public sealed record LabelledPair(string Version, string? Segment, string? Prediction, double? PredictionValue, double? Score, string Label, double? LabelValue, long DelayMs);

    private sealed record Group(string Version, string Segment, IReadOnlyList<LabelledPair> Pairs, QualityStats? Rollup);

    /// <summary>All predictions, each named version and each named segment (unversioned or unsegmented predictions count in "all" only).</summary>
    private static IEnumerable<Group> Groups(List<LabelledPair> pairs, Dictionary<string, QualityStats> rollups)
    {
        yield return new Group("", "", pairs, rollups.Count == 0 ? null : QualityStats.Sum(rollups.Values));
        foreach (var version in rollups.Keys.Where(v => v != "").Order(StringComparer.Ordinal))
        {
            yield return new Group(version, "", pairs.Where(p => p.Version == version).ToList(), rollups[version]);
        }

        foreach (var segment in pairs.Where(p => !string.IsNullOrEmpty(p.Segment)).GroupBy(p => p.Segment!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return new Group("", segment.Key, segment.ToList(), null);
        }
    }

    /// <summary>
    /// The metrics of one group. <paramref name="rollup"/> (exact counts) gives labelled, accuracy, precision/recall/F1
    /// (binary) or MAE/RMSE/R² when present, through <see cref="QualityStats"/> (the metrics the dashboards and alerts
    /// show); the pairs give the rest, or everything when there is no rollup (segments).
    /// </summary>
    public static QualityResult Compute(ModelTaskType task, IReadOnlyList<LabelledPair> pairs, QualityStats? rollup)
    {
        var result = new QualityResult { Window = JobWindow.Hour, Labelled = rollup?.Labelled ?? pairs.Count, SampleSize = pairs.Count };
        if (pairs.Count > 0)
        {
            var delays = pairs.Select(p => (double)p.DelayMs).Order().ToArray();
            result.LabelDelayP50Ms = Percentiles.OfSorted(delays, 50);
            result.LabelDelayP95Ms = Percentiles.OfSorted(delays, 95);
        }

        if (task == ModelTaskType.Regression)
        {
            RegressionFromPairs(pairs, result);
            if (rollup is { Labelled: > 0 } r)
            {
                result.Mae = r.Mae;
                result.Rmse = r.Rmse;
                result.R2 = r.R2 ?? result.R2;
            }

            return result;
        }

        ClassificationFromPairs(task, pairs, result);
        if (rollup is { Labelled: > 0 } q)
        {
            result.Accuracy = q.Accuracy;
            if (task == ModelTaskType.Binary && q.HasBinaryCounts)
            {
                (result.Precision, result.Recall, result.F1) = (q.Precision, q.Recall, q.F1);
            }
        }

        return result;
    }

    private static void RegressionFromPairs(IReadOnlyList<LabelledPair> pairs, QualityResult result)
    {
        var usable = pairs.Where(p => p.LabelValue is not null && p.PredictionValue is not null).ToList();
        if (usable.Count < 2)
        {
            return;
        }

        var metrics = RegressionMetrics.Compute(usable.Select(p => p.LabelValue!.Value).ToArray(), usable.Select(p => p.PredictionValue!.Value).ToArray());
        (result.Mae, result.Rmse, result.R2, result.Mape) = (metrics.Mae, metrics.Rmse, metrics.R2, metrics.Mape);
    }

    private static void ClassificationFromPairs(ModelTaskType task, IReadOnlyList<LabelledPair> pairs, QualityResult result)
    {
        var usable = pairs.Where(p => p.Prediction is not null).ToList();
        if (usable.Count == 0)
        {
            return;
        }

        // A binary model's "true"/"false" are the classes "1"/"0" (BinaryLabel), as in the rollups.
        var labels = usable.Select(p => Canonical(task, p.Label)!).ToArray();
        var predictions = usable.Select(p => Canonical(task, p.Prediction)!).ToArray();
        if (task == ModelTaskType.Binary && ClassificationMetrics.IsBinary(labels, predictions))
        {
            var binary = ClassificationMetrics.Binary(labels, predictions, null);
            (result.Accuracy, result.Precision, result.Recall, result.F1) = (binary.Accuracy, binary.Precision, binary.Recall, binary.F1);
            var scored = usable.Where(p => p.Score is not null).ToList();
            if (scored.Count > 0)
            {
                var withScores = ClassificationMetrics.Binary(scored.Select(p => Canonical(task, p.Label)!).ToArray(), scored.Select(p => Canonical(task, p.Prediction)!).ToArray(), scored.Select(p => p.Score!.Value).ToArray());
                (result.RocAuc, result.LogLoss) = (withScores.RocAuc, withScores.LogLoss);
            }

            return;
        }

        var multiclass = ClassificationMetrics.Multiclass(labels, predictions);
        (result.Accuracy, result.Precision, result.Recall, result.F1) = (multiclass.Accuracy, multiclass.MacroPrecision, multiclass.MacroRecall, multiclass.MacroF1);
    }

    private static string? Canonical(ModelTaskType task, string? label) => task == ModelTaskType.Binary ? BinaryLabel.Canonical(label) : label;

    /// <summary>Quality rollups of the window summed per version (the dashboards' grouped query).</summary>
    private Task<Dictionary<string, QualityStats>> RollupsAsync(int modelId, DateTime start, DateTime end, CancellationToken cancellationToken) =>
        QualityRollupQueries.SumsByVersionAsync(db, modelId, PredictionWindowReader.Ms(start), PredictionWindowReader.Ms(end), cancellationToken);

    /// <summary>Labelled predictions of the window, every k-th by prediction id when there are more than the cap.</summary>
    private async Task<(List<LabelledPair> Pairs, int Stride)> PairsAsync(MlModel model, DateTime start, DateTime end, int cap, CancellationToken cancellationToken)
    {
        var (joined, stride) = await PredictionWindowReader.LabelledAsync(db, model.Id, start, end, cap, cancellationToken);
        var pairs = new List<LabelledPair>();
        var rows = joined.Select(x => new
        {
            x.Prediction.ModelVersion, x.Prediction.Segment, x.Prediction.Prediction, x.Prediction.PredictionValue, x.Prediction.Score,
            x.Prediction.Probabilities, x.Prediction.TimestampMs, x.Label.Label, x.Label.LabelValue, LabelMs = x.Label.TimestampMs,
        });
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var score = row.Score ?? PositiveProbability(row.Probabilities);
            pairs.Add(new LabelledPair(row.ModelVersion ?? "", row.Segment, row.Prediction, row.PredictionValue, score, row.Label, row.LabelValue, row.LabelMs - row.TimestampMs));
        }

        return (pairs, stride);
    }

    /// <summary>The probability of class "1" from a probabilities object, if it has one.</summary>
    private static double? PositiveProbability(string? probabilities)
    {
        if (probabilities is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(probabilities);
        return json.RootElement.TryGetProperty("1", out var p) && p.TryGetDouble(out var value) ? value : null;
    }

    private static string Show(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";
}
