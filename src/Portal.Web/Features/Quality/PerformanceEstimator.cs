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
/// window from its scores and posted predictions. Reference columns and fitted models are cached per reference dataset
/// id (a new upload gets a new id, so nothing goes stale). One fit per reference: chunks of
/// <see cref="CbpeModel.ReferenceChunkSize"/> rows, and each window's band scaled to its size
/// (<see cref="CbpeModel.BandsFor"/>); a reference of fewer than 6 chunks gives estimates without a band.
/// ŷ is the posted prediction (the reference's <see cref="PredictionColumn"/>), so estimated and realised metrics
/// describe the same classifier whatever threshold the model is deployed at; without that column ŷ = score ≥ 0.5.
/// </summary>
public sealed class PerformanceEstimator(PortalDbContext db, ReferenceReader references, IMemoryCache cache)
{
    /// <summary>The reference column holding the model's score (probability of class "1").</summary>
    public const string ScoreColumn = "score";

    /// <summary>The reference column holding the model's predicted class ("1"/"true" positive).</summary>
    public const string PredictionColumn = "prediction";

    /// <summary>Rows a reference needs for a band: <see cref="CbpeModel.MinBandChunks"/> chunks of the smallest size.</summary>
    public const int MinBandRows = CbpeModel.MinBandChunks * CbpeModel.MinChunkRows;

    /// <summary>Rows a reference needs for an estimate at all (two chunks, so the fit has a spread).</summary>
    public const int MinRows = 2 * CbpeModel.MinChunkRows;

    /// <summary>Reference rows read at most (every k-th row beyond).</summary>
    public const int MaxReferenceRows = 100_000;

    private static readonly TimeSpan CacheFor = TimeSpan.FromHours(6);

    /// <summary>
    /// A reference usable for estimation: aligned scores, 0/1 labels and the posted predictions (null when the
    /// reference has no prediction column: then ŷ = score ≥ 0.5 for the reference and every window).
    /// </summary>
    public sealed record Reference(long DatasetId, int Version, double[] Scores, int[] Labels, bool[]? Predictions);

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
            var predictions = dataset.Columns.Any(c => c.Name == PredictionColumn)
                ? (await references.ReadValuesAsync(dataset, PredictionColumn, FeatureType.Categorical, MaxReferenceRows, cancellationToken))!.Categories
                : null;
            return Align(dataset, scores!.Numbers, labels!.Categories, predictions);
        });
        return reference!;
    }

    /// <summary>The fitted model of the reference, or why it cannot be fitted.</summary>
    public (CbpeModel? Model, string? Note) ModelFor(Reference reference)
    {
        return cache.GetOrCreate(("cbpe-model", reference.DatasetId), entry =>
        {
            entry.SlidingExpiration = CacheFor;
            try
            {
                var chunk = CbpeModel.ReferenceChunkSize(reference.Scores.Length);
                return ((CbpeModel?)CbpeModel.Fit(reference.Scores, reference.Labels, chunk, referencePredictions: reference.Predictions), (string?)null);
            }
            catch (AnalysisInputException e)
            {
                return (null, $"Reference v{reference.Version} cannot be used for estimation: {e.Field} {e.Reason}");
            }
        });
    }

    /// <summary>
    /// Fills the Estimated* and Realised* band fields of <paramref name="result"/> from the scores of its window (or a
    /// sample of them) and their posted predictions (ignored when the reference has none, so both use score ≥ 0.5).
    /// </summary>
    public static void Apply(QualityResult result, CbpeModel model, Reference reference, IReadOnlyList<double> scores, IReadOnlyList<bool> predictions)
    {
        var e = model.Estimate(scores, reference.Predictions is null ? null : predictions);
        var bands = model.BandsFor(e.Count);
        (result.EstimatedAccuracy, result.EstimatedAccuracyLower, result.EstimatedAccuracyUpper) = Figure(e.Accuracy, bands.Accuracy);
        (result.EstimatedPrecision, result.EstimatedPrecisionLower, result.EstimatedPrecisionUpper) = Figure(e.Precision, bands.Precision);
        (result.EstimatedRecall, result.EstimatedRecallLower, result.EstimatedRecallUpper) = Figure(e.Recall, bands.Recall);
        (result.EstimatedF1, result.EstimatedF1Lower, result.EstimatedF1Upper) = Figure(e.F1, bands.F1);
        (result.EstimatedRocAuc, result.EstimatedRocAucLower, result.EstimatedRocAucUpper) = Figure(e.RocAuc, bands.RocAuc);
        var realised = model.RealisedBandsAround(e);
        (result.RealisedAccuracyLower, result.RealisedAccuracyUpper) = (realised.Accuracy?.Lower, realised.Accuracy?.Upper);
        (result.RealisedPrecisionLower, result.RealisedPrecisionUpper) = (realised.Precision?.Lower, realised.Precision?.Upper);
        (result.RealisedRecallLower, result.RealisedRecallUpper) = (realised.Recall?.Lower, realised.Recall?.Upper);
        (result.RealisedF1Lower, result.RealisedF1Upper) = (realised.F1?.Lower, realised.F1?.Upper);
        (result.RealisedRocAucLower, result.RealisedRocAucUpper) = (realised.RocAuc?.Lower, realised.RocAuc?.Upper);
        result.EstimationCalibrated = model.UsesCalibration;
        result.EstimationScores = scores.Count;
        result.EstimationNote = Notes(model, reference);
    }

    /// <summary>What limits an estimate: no band (reference too small), ŷ = score ≥ 0.5 (no prediction column); or null.</summary>
    private static string? Notes(CbpeModel model, Reference reference)
    {
        var notes = new List<string>();
        if (!model.HasBands)
        {
            notes.Add($"No band: reference v{reference.Version} has {reference.Scores.Length} rows with a score and a label, {model.ChunkedRows / model.ChunkSize} chunks of {model.ChunkSize}; a band needs {CbpeModel.MinBandChunks} chunks, i.e. at least {MinBandRows} rows.");
        }

        if (reference.Predictions is null)
        {
            notes.Add($"Reference v{reference.Version} has no '{PredictionColumn}' column: estimated as if the model predicted positive at score ≥ 0.5, which may not be the deployed threshold.");
        }

        return notes.Count == 0 ? null : string.Join(" ", notes);
    }

    private static (double?, double?, double?) Figure(double value, ReferenceBand? band) =>
        (double.IsFinite(value) ? value : null, band?.Lower, band?.Upper);

    /// <summary>
    /// Rows with a score in [0, 1], a label and (when the column exists) a prediction; "1", "true" and "True" are the
    /// positive class, other labels and predictions negative.
    /// </summary>
    private static (Reference?, string?) Align(ReferenceDataset dataset, double[] scores, IReadOnlyList<string?> labels, IReadOnlyList<string?>? predictions)
    {
        var keptScores = new List<double>(scores.Length);
        var keptLabels = new List<int>(scores.Length);
        var keptPredictions = new List<bool>(scores.Length);
        for (var i = 0; i < Math.Min(scores.Length, labels.Count); i++)
        {
            if (!double.IsFinite(scores[i]) || labels[i] is not { } label || (predictions is not null && (i >= predictions.Count || predictions[i] is null)))
            {
                continue;
            }

            if (scores[i] is < 0 or > 1)
            {
                return (null, $"Reference v{dataset.Version}: the 'score' column must hold probabilities in [0, 1] (found {scores[i].ToString(CultureInfo.InvariantCulture)}).");
            }

            keptScores.Add(scores[i]);
            keptLabels.Add(BinaryLabel.IsPositive(label) ? 1 : 0);
            keptPredictions.Add(predictions is not null && BinaryLabel.IsPositive(predictions[i]));
        }

        if (keptScores.Count < MinRows)
        {
            return (null, $"Reference v{dataset.Version} has {keptScores.Count} rows with a score and a label{(predictions is null ? "" : " and a prediction")}; estimation needs at least {MinRows} (and {MinBandRows} for a band).");
        }

        return (new Reference(dataset.Id, dataset.Version, keptScores.ToArray(), keptLabels.ToArray(), predictions is null ? null : keptPredictions.ToArray()), null);
    }
}
