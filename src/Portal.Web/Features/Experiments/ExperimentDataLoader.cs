using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Experiments;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Experiments;

namespace Portal.Web.Features.Experiments;

/// <summary>
/// Reads what an analysis needs: observations (one value per unit and metric), the model's predictions tagged with
/// the experiment since it started (error rate, latency, and accuracy or absolute error joined to their labels),
/// and for shadow arms the pairs of production and shadow predictions.
/// </summary>
/// <remarks>
/// Shadow predictions are sent as ordinary predictions of the same model with <c>modelVersion</c> = the shadow
/// version and <c>predictionId</c> = the production prediction's id + "#" + the shadow version (the id stays unique
/// per model, as API.md requires). Labels are sent once, for the production id, and count for both.
/// </remarks>
public sealed class ExperimentDataLoader(PortalDbContext db)
{
    /// <summary>Most recent shadow predictions compared per shadow arm and analysis.</summary>
    public const int MaxShadowPairs = 20_000;

    private const int Chunk = 500;

    public async Task<ExperimentData> LoadAsync(Experiment experiment, MlModel model, DateTime until, CancellationToken cancellationToken)
    {
        var data = new ExperimentData { IsClassifier = model.TaskType != ModelTaskType.Regression };
        var live = experiment.Arms.Where(a => !a.IsShadow).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        await LoadObservationsAsync(experiment, live, data, cancellationToken);
        if (experiment.StartedAt is { } started)
        {
            var fromMs = new DateTimeOffset(started).ToUnixTimeMilliseconds();
            var toMs = new DateTimeOffset(experiment.StoppedAt ?? until).ToUnixTimeMilliseconds();
            await LoadPredictionsAsync(experiment, live, fromMs, toMs, data, cancellationToken);
            foreach (var arm in experiment.Arms.Where(a => a.IsShadow))
            {
                data.ShadowPairs[arm.Name] = await ShadowPairsAsync(experiment.ModelId, arm.ModelVersion, fromMs, toMs, data.IsClassifier, cancellationToken);
            }
        }

        return data;
    }

    private async Task LoadObservationsAsync(Experiment experiment, HashSet<string> live, ExperimentData data, CancellationToken cancellationToken)
    {
        var metrics = experiment.Metrics.Where(m => MetricKinds.FromObservations(m.Kind)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        if (metrics.Count == 0)
        {
            return;
        }

        var rows = await db.ExperimentObservations.AsNoTracking().Where(o => o.ExperimentId == experiment.Id)
            .OrderBy(o => o.Id).Select(o => new { o.Metric, o.Variant, o.Value, o.Covariate }).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            if (!metrics.Contains(row.Metric))
            {
                continue;
            }

            if (!live.Contains(row.Variant))
            {
                data.UnknownVariants[row.Variant] = data.UnknownVariants.GetValueOrDefault(row.Variant) + 1;
                continue;
            }

            data.Sample(row.Metric, row.Variant).Add(row.Value, row.Covariate);
        }
    }

    private async Task LoadPredictionsAsync(Experiment experiment, HashSet<string> live, long fromMs, long toMs, ExperimentData data, CancellationToken cancellationToken)
    {
        var metrics = experiment.Metrics.Where(m => !MetricKinds.FromObservations(m.Kind)).ToList();
        if (metrics.Count == 0)
        {
            return;
        }

        var id = experiment.Id;
        var predictions = db.PredictionEvents.AsNoTracking()
            .Where(p => p.ModelId == experiment.ModelId && p.TimestampMs >= fromMs && p.TimestampMs <= toMs && p.ExperimentId == id);
        var shadowArms = experiment.Arms.Where(a => a.IsShadow).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var rows = await predictions.OrderBy(p => p.Id).Select(p => new { p.Variant, Failed = p.Error != null, p.LatencyMs }).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            var variant = row.Variant ?? "";
            if (shadowArms.Contains(variant))
            {
                // Shadow predictions may carry the experiment too; they are compared in pairs, not as an arm.
                continue;
            }

            if (!live.Contains(variant))
            {
                data.UnknownVariants[variant] = data.UnknownVariants.GetValueOrDefault(variant) + 1;
                continue;
            }

            foreach (var m in metrics)
            {
                switch (m.Kind)
                {
                    case MetricKind.ErrorRate:
                        data.Sample(m.Name, variant).Add(row.Failed ? 1 : 0);
                        break;
                    case MetricKind.Latency or MetricKind.LatencyP95 or MetricKind.LatencyP99 when row.LatencyMs is { } latency:
                        data.Sample(m.Name, variant).Add(latency);
                        break;
                }
            }
        }

        var labelled = metrics.Where(m => MetricKinds.NeedsLabels(m.Kind)).ToList();
        if (labelled.Count == 0)
        {
            return;
        }

        var joined = await predictions
            .Join(db.FeedbackLabels, p => new { p.ModelId, p.PredictionId }, l => new { l.ModelId, l.PredictionId },
                (p, l) => new { p.Id, p.Variant, p.Prediction, p.PredictionValue, l.Label, l.LabelValue })
            .OrderBy(x => x.Id).ToListAsync(cancellationToken);
        foreach (var row in joined)
        {
            if (row.Variant is null || !live.Contains(row.Variant))
            {
                continue;
            }

            foreach (var m in labelled)
            {
                if (m.Kind == MetricKind.Accuracy && row.Prediction is not null)
                {
                    data.Sample(m.Name, row.Variant).Add(row.Prediction == row.Label ? 1 : 0);
                }
                else if (m.Kind == MetricKind.AbsoluteError && row.PredictionValue is { } predicted && row.LabelValue is { } actual)
                {
                    data.Sample(m.Name, row.Variant).Add(Math.Abs(predicted - actual));
                }
            }
        }
    }

    private async Task<IReadOnlyList<ShadowPair>> ShadowPairsAsync(int modelId, string version, long fromMs, long toMs, bool classifier, CancellationToken cancellationToken)
    {
        var suffix = "#" + version;
        var shadow = await db.PredictionEvents.AsNoTracking()
            .Where(p => p.ModelId == modelId && p.ModelVersion == version && p.TimestampMs >= fromMs && p.TimestampMs <= toMs && p.PredictionId.EndsWith(suffix))
            .OrderByDescending(p => p.TimestampMs).Take(MaxShadowPairs)
            .Select(p => new { p.PredictionId, p.Prediction, p.Score, p.PredictionValue }).ToListAsync(cancellationToken);
        var pairs = new List<ShadowPair>(shadow.Count);
        foreach (var chunk in shadow.Chunk(Chunk))
        {
            var ids = chunk.Select(s => s.PredictionId[..^suffix.Length]).ToList();
            var production = await db.PredictionEvents.AsNoTracking().Where(p => p.ModelId == modelId && ids.Contains(p.PredictionId))
                .Select(p => new { p.PredictionId, p.Prediction, p.Score, p.PredictionValue }).ToDictionaryAsync(p => p.PredictionId, cancellationToken);
            var labels = await db.FeedbackLabels.AsNoTracking().Where(l => l.ModelId == modelId && ids.Contains(l.PredictionId))
                .Select(l => new { l.PredictionId, l.Label, l.LabelValue }).ToDictionaryAsync(l => l.PredictionId, cancellationToken);
            foreach (var s in chunk)
            {
                var id = s.PredictionId[..^suffix.Length];
                if (!production.TryGetValue(id, out var p))
                {
                    continue;
                }

                var label = labels.GetValueOrDefault(id);
                pairs.Add(classifier
                    ? new ShadowPair(p.Prediction, s.Prediction, p.Score, s.Score, label?.Label, label?.LabelValue)
                    : new ShadowPair(null, null, p.PredictionValue, s.PredictionValue, label?.Label, label?.LabelValue));
            }
        }

        return pairs;
    }
}
