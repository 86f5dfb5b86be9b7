using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Portal.Analysis.Common;
using Portal.Analysis.Estimation;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Features.Ingestion.Reference;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Quality;

/// <summary>
/// Performance estimation without labels (CBPE, Portal.Analysis.Estimation) for the quality job: reads the score and
/// label columns of a binary model's current reference dataset, fits <see cref="CbpeModel"/> on them and estimates a
/// window from its scores. Reference columns and fitted models are cached per reference dataset id (a new upload gets
/// a new id, so nothing goes stale). The band of a window comes from reference chunks of about the window's size: the
/// chunk size is the largest power of two not above the window's score count, at least <see cref="MinChunk"/> and at
/// most half the reference, so a handful of fits per reference serve every window.
/// </summary>
public sealed class PerformanceEstimator(PortalDbContext db, ReferenceReader references, IMemoryCache cache)
{
    /// <summary>The reference column holding the model's score (probability of class "1").</summary>
    public const string ScoreColumn = "score";

    public const int MinChunk = 16;

    /// <summary>Reference rows read at most (every k-th row beyond).</summary>
    public const int MaxReferenceRows = 100_000;

    private static readonly TimeSpan CacheFor = TimeSpan.FromHours(6);

    /// <summary>A reference usable for estimation: aligned scores and 0/1 labels.</summary>
    public sealed record Reference(long DatasetId, int Version, double[] Scores, int[] Labels);

    /// <summary>The model's usable reference, or why there is none.</summary>
    public async Task<(Reference? Reference, string? Note)> ReferenceAsync(MlModel model, CancellationToken cancellationToken)
    {
        if (model.TaskType != ModelTaskType.Binary)
        {
            return (null, $"Estimation without labels covers binary classifiers only; this model is {model.TaskType.ToString().ToLowerInvariant()}.");
        }

        var dataset = await ReferenceUpload.Current(db, model.Id).Include(d => d.Columns).AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (dataset is null)
        {
            return (null, "No reference dataset: upload one with a 'score' and a 'label' column to estimate performance without labels.");
        }

        var labelColumn = ReferenceReader.LabelColumns.FirstOrDefault(n => dataset.Columns.Any(c => c.Name == n));
        if (dataset.Columns.All(c => c.Name != ScoreColumn) || labelColumn is null)
        {
            return (null, $"Reference v{dataset.Version} needs a 'score' and a 'label' (or 'target') column to estimate performance without labels.");
        }

        var reference = await cache.GetOrCreateAsync(("cbpe-reference", dataset.Id), async entry =>
        {
            entry.SlidingExpiration = CacheFor;
            var scores = await references.ReadValuesAsync(dataset, ScoreColumn, FeatureType.Numerical, MaxReferenceRows, cancellationToken);
            var labels = await references.ReadValuesAsync(dataset, labelColumn, FeatureType.Categorical, MaxReferenceRows, cancellationToken);
            return Align(dataset, scores!.Numbers, labels!.Categories);
        });
        return reference!;
    }

    /// <summary>The fitted model for a window of <paramref name="windowScores"/> scores, or why it cannot be fitted.</summary>
    public (CbpeModel? Model, string? Note) ModelFor(Reference reference, int windowScores)
    {
        var chunk = ChunkSize(reference.Scores.Length, windowScores);
        return cache.GetOrCreate(("cbpe-model", reference.DatasetId, chunk), entry =>
        {
            entry.SlidingExpiration = CacheFor;
            try
            {
                return ((CbpeModel?)CbpeModel.Fit(reference.Scores, reference.Labels, chunk), (string?)null);
            }
            catch (AnalysisInputException e)
            {
                return (null, $"Reference v{reference.Version} cannot be used for estimation: {e.Field} {e.Reason}");
            }
        });
    }

    /// <summary>The largest power of two ≤ the window's count, within [<see cref="MinChunk"/>, reference rows / 2].</summary>
    public static int ChunkSize(int referenceRows, int windowScores)
    {
        var chunk = MinChunk;
        while (chunk * 2 <= windowScores)
        {
            chunk *= 2;
        }

        return Math.Max(1, Math.Min(chunk, referenceRows / 2));
    }

    /// <summary>Fills the Estimated* fields of <paramref name="result"/> from the scores of its window (or a sample of them).</summary>
    public static void Apply(QualityResult result, CbpeModel model, IReadOnlyList<double> scores)
    {
        var e = model.Estimate(scores);
        (result.EstimatedAccuracy, result.EstimatedAccuracyLower, result.EstimatedAccuracyUpper) = Figure(e.Accuracy, model.Bands.Accuracy);
        (result.EstimatedPrecision, result.EstimatedPrecisionLower, result.EstimatedPrecisionUpper) = Figure(e.Precision, model.Bands.Precision);
        (result.EstimatedRecall, result.EstimatedRecallLower, result.EstimatedRecallUpper) = Figure(e.Recall, model.Bands.Recall);
        (result.EstimatedF1, result.EstimatedF1Lower, result.EstimatedF1Upper) = Figure(e.F1, model.Bands.F1);
        (result.EstimatedRocAuc, result.EstimatedRocAucLower, result.EstimatedRocAucUpper) = Figure(e.RocAuc, model.Bands.RocAuc);
        result.EstimationCalibrated = model.UsesCalibration;
        result.EstimationScores = scores.Count;
        result.EstimationNote = null;
    }

    private static (double?, double?, double?) Figure(double value, ReferenceBand? band) =>
        (double.IsFinite(value) ? value : null, band?.Lower, band?.Upper);

    /// <summary>Rows with a score in [0, 1] and a label; "1" and "true" are the positive class, other labels negative.</summary>
    private static (Reference?, string?) Align(ReferenceDataset dataset, double[] scores, IReadOnlyList<string?> labels)
    {
        var keptScores = new List<double>(scores.Length);
        var keptLabels = new List<int>(scores.Length);
        for (var i = 0; i < Math.Min(scores.Length, labels.Count); i++)
        {
            if (!double.IsFinite(scores[i]) || labels[i] is not { } label)
            {
                continue;
            }

            if (scores[i] is < 0 or > 1)
            {
                return (null, $"Reference v{dataset.Version}: the 'score' column must hold probabilities in [0, 1] (found {scores[i].ToString(CultureInfo.InvariantCulture)}).");
            }

            keptScores.Add(scores[i]);
            keptLabels.Add(BinaryLabel.IsPositive(label) ? 1 : 0);
        }

        if (keptScores.Count < 2 * MinChunk)
        {
            return (null, $"Reference v{dataset.Version} has {keptScores.Count} rows with both a score and a label; estimation needs at least {2 * MinChunk}.");
        }

        return (new Reference(dataset.Id, dataset.Version, keptScores.ToArray(), keptLabels.ToArray()), null);
    }
}
