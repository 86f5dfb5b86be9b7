using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Experiments;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Experiments;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Experiments;

/// <summary>
/// Reads what an analysis needs: observations (one value per unit and metric), the model's predictions tagged with
/// the experiment since it started (error rate, latency, and accuracy or absolute error joined to their labels),
/// and for shadow arms the pairs of production and shadow predictions.
/// </summary>
/// <remarks>
/// Prediction metrics are aggregated per randomisation unit (<c>"experiment": {"unit": …}</c>): each unit's sum over
/// its number of predictions, a ratio metric the analyzer tests by the delta method. When no prediction of the
/// experiment names a unit, they are compared per prediction and the result says so; predictions without a unit
/// among others that have one count as a unit each. Percentiles stay per prediction. The assignment check compares
/// every unit's arm with <see cref="ExperimentAssignment"/> and counts units seen in more than one arm.
/// </remarks>
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
        var data = new ExperimentData { TaskType = model.TaskType };
        var live = experiment.Arms.Where(a => !a.IsShadow).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var units = new UnitArms();
        await LoadObservationsAsync(experiment, live, data, units, cancellationToken);
        if (experiment.StartedAt is { } started)
        {
            var fromMs = new DateTimeOffset(started).ToUnixTimeMilliseconds();
            var toMs = new DateTimeOffset(experiment.StoppedAt ?? until).ToUnixTimeMilliseconds();
            await LoadPredictionsAsync(experiment, live, fromMs, toMs, data, units, cancellationToken);
            foreach (var arm in experiment.Arms.Where(a => a.IsShadow))
            {
                data.ShadowPairs[arm.Name] = await ShadowPairsAsync(experiment.ModelId, arm.ModelVersion, fromMs, toMs, data.TaskType, cancellationToken);
            }
        }

        data.Assignment = units.Check(experiment);
        return data;
    }

    private async Task LoadObservationsAsync(Experiment experiment, HashSet<string> live, ExperimentData data, UnitArms units, CancellationToken cancellationToken)
    {
        var metrics = experiment.Metrics.Where(m => MetricKinds.FromObservations(m.Kind)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        if (metrics.Count == 0)
        {
            return;
        }

        var rows = await db.ExperimentObservations.AsNoTracking().Where(o => o.ExperimentId == experiment.Id)
            .OrderBy(o => o.Id).Select(o => new { o.Metric, o.Variant, o.Value, o.Covariate, o.UnitId }).ToListAsync(cancellationToken);
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
            units.Add(row.UnitId, row.Variant);
        }
    }

    private async Task LoadPredictionsAsync(Experiment experiment, HashSet<string> live, long fromMs, long toMs, ExperimentData data, UnitArms units, CancellationToken cancellationToken)
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
        var rows = await predictions.OrderBy(p => p.Id)
            .Select(p => new { p.PredictionId, p.Variant, Unit = p.ExperimentUnit, Failed = p.Error != null, p.LatencyMs }).ToListAsync(cancellationToken);
        var perUnit = rows.Any(r => r.Unit is not null);
        var sums = new UnitSums();
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

            var unit = row.Unit ?? "#" + row.PredictionId;
            if (row.Unit is not null)
            {
                units.Add(row.Unit, variant);
            }

            foreach (var m in metrics)
            {
                switch (m.Kind)
                {
                    case MetricKind.ErrorRate:
                        sums.Add(data, perUnit, m.Name, variant, unit, row.Failed ? 1 : 0);
                        break;
                    case MetricKind.Latency when row.LatencyMs is { } latency:
                        sums.Add(data, perUnit, m.Name, variant, unit, latency);
                        break;
                    case MetricKind.LatencyP95 or MetricKind.LatencyP99 when row.LatencyMs is { } latency:
                        data.Sample(m.Name, variant).Add(latency);
                        break;
                }
            }
        }

        var labelled = metrics.Where(m => MetricKinds.NeedsLabels(m.Kind)).ToList();
        if (labelled.Count > 0)
        {
            var joined = await predictions
                .Join(db.FeedbackLabels, p => new { p.ModelId, p.PredictionId }, l => new { l.ModelId, l.PredictionId },
                    (p, l) => new { p.Id, p.PredictionId, p.Variant, Unit = p.ExperimentUnit, p.Prediction, p.PredictionValue, l.Label, l.LabelValue })
                .OrderBy(x => x.Id).ToListAsync(cancellationToken);
            foreach (var row in joined)
            {
                if (row.Variant is null || !live.Contains(row.Variant))
                {
                    continue;
                }

                var unit = row.Unit ?? "#" + row.PredictionId;
                foreach (var m in labelled)
                {
                    if (m.Kind == MetricKind.Accuracy && row.Prediction is not null)
                    {
                        sums.Add(data, perUnit, m.Name, row.Variant, unit, BinaryLabel.SameClass(data.TaskType, row.Prediction, row.Label) ? 1 : 0);
                    }
                    else if (m.Kind == MetricKind.AbsoluteError && row.PredictionValue is { } predicted && row.LabelValue is { } actual)
                    {
                        sums.Add(data, perUnit, m.Name, row.Variant, unit, Math.Abs(predicted - actual));
                    }
                }
            }
        }

        sums.Flush(data);
        if (!perUnit && rows.Count > 0)
        {
            data.PerPredictionMetrics.AddRange(metrics.Where(m => MetricKinds.Statistic(m.Kind) != MetricStatistic.Quantile).Select(m => m.Name));
        }
    }

    /// <summary>Per metric, arm and unit: the sum of the predictions' values and their number.</summary>
    private sealed class UnitSums
    {
        private readonly Dictionary<(string Metric, string Arm), Dictionary<string, (double Sum, double Count)>> sums = [];

        public void Add(ExperimentData data, bool perUnit, string metric, string arm, string unit, double value)
        {
            if (!perUnit)
            {
                data.Sample(metric, arm).Add(value);
                return;
            }

            if (!sums.TryGetValue((metric, arm), out var byUnit))
            {
                sums[(metric, arm)] = byUnit = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
            }

            var (sum, count) = byUnit.GetValueOrDefault(unit);
            byUnit[unit] = (sum + value, count + 1);
        }

        public void Flush(ExperimentData data)
        {
            foreach (var ((metric, arm), byUnit) in sums)
            {
                var sample = data.Sample(metric, arm);
                foreach (var (sum, count) in byUnit.Values)
                {
                    sample.AddUnit(sum, count);
                }
            }
        }
    }

    /// <summary>The arms each unit was seen in, for the assignment check.</summary>
    private sealed class UnitArms
    {
        private readonly Dictionary<string, HashSet<string>> arms = new(StringComparer.Ordinal);

        public void Add(string unit, string arm)
        {
            if (!arms.TryGetValue(unit, out var set))
            {
                arms[unit] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(arm);
        }

        public AssignmentCheck Check(Experiment experiment)
        {
            var live = experiment.Arms.Where(a => !a.IsShadow).OrderBy(a => a.Position).ToList();
            var shares = live.Select(a => a.Share).ToList();
            long mismatched = 0, inTwo = 0;
            foreach (var (unit, seen) in arms)
            {
                if (seen.Count > 1)
                {
                    inTwo++;
                }
                else if (live[ExperimentAssignment.Assign(experiment.Id, unit, shares)].Name != seen.First())
                {
                    mismatched++;
                }
            }

            return new AssignmentCheck(arms.Count, mismatched, inTwo);
        }
    }

    private async Task<IReadOnlyList<ShadowPair>> ShadowPairsAsync(int modelId, string version, long fromMs, long toMs, ModelTaskType task, CancellationToken cancellationToken)
    {
        var classifier = task != ModelTaskType.Regression;
        // One class text for a binary model ("true" is "1"), so agreement and accuracy compare classes, not spellings.
        string? Class(string? text) => task == ModelTaskType.Binary ? BinaryLabel.Canonical(text) : text;
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
                    ? new ShadowPair(Class(p.Prediction), Class(s.Prediction), p.Score, s.Score, Class(label?.Label), label?.LabelValue)
                    : new ShadowPair(null, null, p.PredictionValue, s.PredictionValue, label?.Label, label?.LabelValue));
            }
        }

        return pairs;
    }
}
