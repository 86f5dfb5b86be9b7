using Portal.Data.Entities;
using Portal.Data.Rollups;
using Portal.Web.Features.Ingestion.Storage;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Ingestion;

/// <summary>
/// Sums what one group commit adds to the per-minute rollups, then merges it into the stored rows inside the
/// writer's transaction, so rollups and raw rows are always committed together. Each touched rollup row is read
/// and written once per group, however many items fall into it. The same prediction and quality deltas go into the
/// hour rows of their minutes; labelled classifier predictions also count their (true, predicted) class pair in the
/// confusion rollups (at most <see cref="ConfusionRollup.MaxClasses"/> classes per model, version and minute).
/// </summary>
public sealed class RollupAccumulator
{
    private readonly Dictionary<(int, string, long), PredictionDelta> predictions = [];
    private readonly Dictionary<(int, string, long), FeatureDelta> features = [];
    private readonly Dictionary<(ModelInfo, long), FeatureDelta[]> schemaFeatures = [];
    private readonly Dictionary<(int, string, long), QualityRollup> quality = [];
    private readonly Dictionary<(int, string, long), Dictionary<(string True, string Predicted), long>> confusion = [];
    private readonly Dictionary<(string, long), ResourceRollup> resources = [];

    private static readonly Comparer<(int, string, long)> KeyOrder = Comparer<(int, string, long)>.Create((a, b) =>
        a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : string.CompareOrdinal(a.Item2, b.Item2) is var c and not 0 ? c : a.Item3.CompareTo(b.Item3));

    private static readonly Comparer<(string, long)> HostOrder = Comparer<(string, long)>.Create((a, b) =>
        string.CompareOrdinal(a.Item1, b.Item1) is var c and not 0 ? c : a.Item2.CompareTo(b.Item2));

    public static long MinuteOf(long timestampMs) => Infrastructure.Rollups.RollupMinute.Of(timestampMs);

    public static long HourOf(long timestampMs) => timestampMs - (timestampMs % 3_600_000);

    public void AddPrediction(ModelInfo model, PredictionRecord p)
    {
        var minute = MinuteOf(p.TimestampMs);
        var key = (model.Id, p.ModelVersion ?? "", minute);
        if (!predictions.TryGetValue(key, out var d))
        {
            predictions[key] = d = new PredictionDelta();
        }

        d.Count++;
        d.SchemaViolations += p.SchemaViolations;
        if (p.Error is not null)
        {
            d.Errors++;
        }

        if (p.LatencyMs is { } latency)
        {
            d.LatencyCount++;
            d.LatencySum += latency;
            d.LatencyMax = Math.Max(d.LatencyMax, latency);
            d.Latency.Add(latency);
        }

        if ((p.Score ?? p.Confidence) is { } score)
        {
            d.ScoreCount++;
            d.ScoreSum += score;
            d.ScoreBins[ScoreHistogram.BinOf(score)]++;
        }

        if (p.Confidence is { } confidence && confidence < model.LowConfidenceThreshold)
        {
            d.LowConfidence++;
        }

        if (model.IsClassifier && p.Prediction is { } label)
        {
            TopK.Add(d.Classes, label);
        }
        else if (!model.IsClassifier && p.PredictionValue is { } value)
        {
            d.ValueCount++;
            d.ValueSum += value;
            d.ValueSumSq += value * value;
        }

        var deltas = SchemaDeltas(model, minute);
        for (var i = 0; i < model.Features.Count; i++)
        {
            var schema = model.Features[i];
            var f = deltas[i];
            if (schema.Type == FeatureType.Numerical)
            {
                var n = p.Numbers[i];
                if (double.IsNaN(n))
                {
                    f.Missing++;
                    continue;
                }

                f.AddNumber(n);
                if ((schema.Min is { } min && n < min) || (schema.Max is { } max && n > max))
                {
                    f.OutOfRange++;
                }
            }
            else
            {
                if (p.Categories[i] is not { } category)
                {
                    f.Missing++;
                    continue;
                }

                f.AddCategory(category);
                if (schema.Categories.Count > 0 && !schema.Categories.Contains(category))
                {
                    f.NewCategories++;
                }
            }
        }

        foreach (var inferred in p.Inferred ?? [])
        {
            var type = inferred.Category is null ? FeatureType.Numerical : FeatureType.Categorical;
            var f = Feature(model.Id, inferred.Name, minute, type);
            if (f.Type != type)
            {
                continue;
            }

            if (inferred.Category is { } c)
            {
                f.AddCategory(c);
            }
            else
            {
                f.AddNumber(inferred.Number);
            }
        }
    }

    public void AddFeedback(ModelInfo model, FeedbackRecord label, JoinedPrediction prediction)
    {
        var key = (model.Id, prediction.Version ?? "", MinuteOf(prediction.TimestampMs));
        if (!quality.TryGetValue(key, out var q))
        {
            quality[key] = q = new QualityRollup { ModelId = key.Id, Version = key.Item2, MinuteMs = key.Item3 };
        }

        q.Labelled++;
        if (model.IsClassifier)
        {
            var correct = BinaryLabel.SameClass(model.TaskType, prediction.Prediction, label.Label);
            q.Correct += correct ? 1 : 0;
            if (prediction.Prediction is { } predicted && label.Label is { } actual)
            {
                if (!confusion.TryGetValue(key, out var pairs))
                {
                    confusion[key] = pairs = [];
                }

                pairs[(actual, predicted)] = pairs.GetValueOrDefault((actual, predicted)) + 1;
            }

            if (model.TaskType == ModelTaskType.Binary)
            {
                var predictedPositive = BinaryLabel.IsPositive(prediction.Prediction);
                var actualPositive = BinaryLabel.IsPositive(label.Label);
                q.TruePositives += predictedPositive && actualPositive ? 1 : 0;
                q.FalsePositives += predictedPositive && !actualPositive ? 1 : 0;
                q.FalseNegatives += !predictedPositive && actualPositive ? 1 : 0;
                q.TrueNegatives += !predictedPositive && !actualPositive ? 1 : 0;
            }
        }
        else if (label.LabelValue is { } y && prediction.PredictionValue is { } yHat)
        {
            q.AbsErrorSum += Math.Abs(y - yHat);
            q.SqErrorSum += (y - yHat) * (y - yHat);
            q.LabelSum += y;
            q.LabelSumSq += y * y;
        }
    }

    public void AddResource(ResourceRecord r)
    {
        var key = (r.Host, MinuteOf(r.TimestampMs));
        if (!resources.TryGetValue(key, out var d))
        {
            resources[key] = d = new ResourceRollup { Host = r.Host, MinuteMs = key.Item2 };
        }

        d.ModelId = r.Model?.Id ?? d.ModelId;
        d.Samples++;
        if (r.CpuPercent is { } cpu)
        {
            d.CpuSamples++;
            d.CpuSum += cpu;
            d.CpuMax = Math.Max(d.CpuMax, cpu);
        }

        if (r.MemoryPercent is { } memory)
        {
            d.MemorySamples++;
            d.MemoryPercentSum += memory;
        }

        if (r.GpuPercent is { } gpu)
        {
            d.GpuSamples++;
            d.GpuSum += gpu;
            d.GpuMax = Math.Max(d.GpuMax, gpu);
        }

        d.MemoryBytesMax = Math.Max(d.MemoryBytesMax, r.MemoryBytes ?? 0);
        d.GpuMemoryBytesMax = Math.Max(d.GpuMemoryBytesMax, r.GpuMemoryBytes ?? 0);
    }

    /// <summary>
    /// Reads each touched rollup row, adds this group's deltas and writes it back (same transaction). Rows are visited in
    /// key order, table by table, so writers on several nodes that lock rows take the locks in one order (no deadlock).
    /// </summary>
    public void Flush(IIngestionBatch batch)
    {
        foreach (var ((modelId, version, minute), d) in predictions.OrderBy(p => p.Key, KeyOrder))
        {
            var row = batch.LoadPredictionRollup(modelId, version, minute) ?? new PredictionRollup { ModelId = modelId, Version = version, MinuteMs = minute };
            d.MergeInto(row);
            batch.SavePredictionRollup(row);
        }

        // Hour rows get the same deltas as their minutes (a group rarely spans more than one or two minutes of an hour).
        foreach (var hour in predictions.GroupBy(p => (p.Key.Item1, p.Key.Item2, HourOf(p.Key.Item3))).OrderBy(g => g.Key, KeyOrder))
        {
            var (modelId, version, hourMs) = hour.Key;
            var row = batch.LoadPredictionHourRollup(modelId, version, hourMs) ?? new PredictionHourRollup { ModelId = modelId, Version = version, HourMs = hourMs };
            foreach (var (_, d) in hour)
            {
                d.MergeInto(row);
            }

            batch.SavePredictionHourRollup(row);
        }

        foreach (var ((modelId, feature, minute), d) in features.OrderBy(p => p.Key, KeyOrder))
        {
            var row = batch.LoadFeatureRollup(modelId, feature, minute) ?? new FeatureRollup { ModelId = modelId, Feature = feature, MinuteMs = minute, Type = d.Type };
            d.MergeInto(row);
            batch.SaveFeatureRollup(row);
        }

        foreach (var ((modelId, version, minute), d) in quality.OrderBy(p => p.Key, KeyOrder))
        {
            var row = batch.LoadQualityRollup(modelId, version, minute) ?? new QualityRollup { ModelId = modelId, Version = version, MinuteMs = minute };
            AddQuality(row, d);
            batch.SaveQualityRollup(row);
        }

        foreach (var hour in quality.GroupBy(p => (p.Key.Item1, p.Key.Item2, HourOf(p.Key.Item3))).OrderBy(g => g.Key, KeyOrder))
        {
            var (modelId, version, hourMs) = hour.Key;
            var row = batch.LoadQualityHourRollup(modelId, version, hourMs) ?? new QualityHourRollup { ModelId = modelId, Version = version, HourMs = hourMs };
            foreach (var (_, d) in hour)
            {
                AddQuality(row, d);
            }

            batch.SaveQualityHourRollup(row);
        }

        foreach (var ((modelId, version, minute), pairs) in confusion.OrderBy(p => p.Key, KeyOrder))
        {
            var known = new HashSet<string>(batch.LoadConfusionClasses(modelId, version, minute), StringComparer.Ordinal);
            var capped = new SortedDictionary<(string, string), long>(PairOrder);
            foreach (var ((actual, predicted), count) in pairs.OrderBy(p => p.Key, PairOrder))
            {
                var key = (Capped(known, actual), Capped(known, predicted));
                capped[key] = capped.GetValueOrDefault(key) + count;
            }

            foreach (var ((actual, predicted), count) in capped)
            {
                batch.AddConfusionCount(new ConfusionRollup { ModelId = modelId, Version = version, MinuteMs = minute, TrueClass = actual, PredictedClass = predicted, Count = count });
            }
        }

        foreach (var ((host, minute), d) in resources.OrderBy(p => p.Key, HostOrder))
        {
            var row = batch.LoadResourceRollup(host, minute) ?? new ResourceRollup { Host = host, MinuteMs = minute };
            row.ModelId = d.ModelId != 0 ? d.ModelId : row.ModelId;
            row.Samples += d.Samples;
            row.CpuSamples += d.CpuSamples;
            row.MemorySamples += d.MemorySamples;
            row.GpuSamples += d.GpuSamples;
            row.CpuSum += d.CpuSum;
            row.CpuMax = Math.Max(row.CpuMax, d.CpuMax);
            row.MemoryPercentSum += d.MemoryPercentSum;
            row.MemoryBytesMax = Math.Max(row.MemoryBytesMax, d.MemoryBytesMax);
            row.GpuSum += d.GpuSum;
            row.GpuMax = Math.Max(row.GpuMax, d.GpuMax);
            row.GpuMemoryBytesMax = Math.Max(row.GpuMemoryBytesMax, d.GpuMemoryBytesMax);
            batch.SaveResourceRollup(row);
        }
    }

    private static void AddQuality(QualitySums row, QualityRollup d)
    {
        row.Labelled += d.Labelled;
        row.Correct += d.Correct;
        row.TruePositives += d.TruePositives;
        row.FalsePositives += d.FalsePositives;
        row.FalseNegatives += d.FalseNegatives;
        row.TrueNegatives += d.TrueNegatives;
        row.AbsErrorSum += d.AbsErrorSum;
        row.SqErrorSum += d.SqErrorSum;
        row.LabelSum += d.LabelSum;
        row.LabelSumSq += d.LabelSumSq;
    }

    private static readonly Comparer<(string, string)> PairOrder = Comparer<(string, string)>.Create((a, b) =>
        string.CompareOrdinal(a.Item1, b.Item1) is var c and not 0 ? c : string.CompareOrdinal(a.Item2, b.Item2));

    /// <summary>The class itself while the minute counts fewer than <see cref="ConfusionRollup.MaxClasses"/> distinct classes, else "other".</summary>
    private static string Capped(HashSet<string> known, string label)
    {
        if (known.Contains(label))
        {
            return label;
        }

        if (known.Count(c => c != ConfusionRollup.Other) < ConfusionRollup.MaxClasses)
        {
            known.Add(label);
            return label;
        }

        return ConfusionRollup.Other;
    }

    /// <summary>The deltas of a model's schema features for one minute, by schema position (one lookup per item).</summary>
    private FeatureDelta[] SchemaDeltas(ModelInfo model, long minute)
    {
        // Keyed by the ModelInfo itself: a schema change between two requests of one group gives a new instance.
        if (!schemaFeatures.TryGetValue((model, minute), out var deltas))
        {
            deltas = model.Features.Select(f => Feature(model.Id, f.Name, minute, f.Type)).ToArray();
            schemaFeatures[(model, minute)] = deltas;
        }

        return deltas;
    }

    private FeatureDelta Feature(int modelId, string name, long minute, FeatureType type)
    {
        var key = (modelId, name, minute);
        if (!features.TryGetValue(key, out var f))
        {
            features[key] = f = new FeatureDelta(type);
        }

        return f;
    }

    private sealed class PredictionDelta
    {
        public long Count;
        public long Errors;
        public long SchemaViolations;
        public long LatencyCount;
        public double LatencySum;
        public double LatencyMax;
        public readonly LogHistogram Latency = new();
        public long ScoreCount;
        public double ScoreSum;
        public readonly long[] ScoreBins = new long[ScoreHistogram.Bins];
        public readonly Dictionary<string, long> Classes = [];
        public long LowConfidence;
        public long ValueCount;
        public double ValueSum;
        public double ValueSumSq;

        public void MergeInto(PredictionSums row)
        {
            row.Count += Count;
            row.Errors += Errors;
            row.SchemaViolations += SchemaViolations;
            if (LatencyCount > 0)
            {
                row.LatencyCount += LatencyCount;
                row.LatencySumMs += LatencySum;
                row.LatencyMaxMs = Math.Max(row.LatencyMaxMs, LatencyMax);
                var latency = LogHistogram.FromJson(row.LatencyBuckets);
                latency.Merge(Latency);
                row.LatencyBuckets = latency.ToJson();
            }

            if (ScoreCount > 0)
            {
                row.ScoreCount += ScoreCount;
                row.ScoreSum += ScoreSum;
                var bins = ScoreHistogram.FromJson(row.ScoreBins);
                for (var i = 0; i < bins.Length; i++)
                {
                    bins[i] += ScoreBins[i];
                }

                row.ScoreBins = ScoreHistogram.ToJson(bins);
            }

            if (Classes.Count > 0)
            {
                var classes = TopK.FromJson(row.ClassCounts);
                TopK.Merge(classes, Classes);
                row.ClassCounts = TopK.ToJson(classes);
            }

            row.LowConfidence += LowConfidence;
            row.ValueCount += ValueCount;
            row.ValueSum += ValueSum;
            row.ValueSumSq += ValueSumSq;
        }
    }

    private sealed class FeatureDelta(FeatureType type)
    {
        public FeatureType Type => type;

        public long Count;
        public long Missing;
        public long OutOfRange;
        public long NewCategories;
        public double? Min;
        public double? Max;
        public double Sum;
        public double SumSq;
        private readonly LogHistogram numbers = new();
        private readonly Dictionary<string, long> categories = [];

        public void AddNumber(double value)
        {
            Count++;
            Sum += value;
            SumSq += value * value;
            Min = Math.Min(Min ?? value, value);
            Max = Math.Max(Max ?? value, value);
            numbers.Add(value);
        }

        public void AddCategory(string value)
        {
            Count++;
            TopK.Add(categories, value);
        }

        public void MergeInto(FeatureRollup row)
        {
            if (row.Type != type)
            {
                // The schema changed the feature's type within this minute: the new type's sketch starts afresh.
                row.Type = type;
                row.Sketch = "{}";
            }

            row.Count += Count;
            row.Missing += Missing;
            row.OutOfRange += OutOfRange;
            row.NewCategories += NewCategories;
            if (type == FeatureType.Numerical)
            {
                row.Sum += Sum;
                row.SumSq += SumSq;
                row.Min = Min is null ? row.Min : Math.Min(row.Min ?? Min.Value, Min.Value);
                row.Max = Max is null ? row.Max : Math.Max(row.Max ?? Max.Value, Max.Value);
                if (numbers.Count > 0)
                {
                    var sketch = LogHistogram.FromJson(row.Sketch);
                    sketch.Merge(numbers);
                    row.Sketch = sketch.ToJson();
                }
            }
            else if (categories.Count > 0)
            {
                var sketch = TopK.FromJson(row.Sketch);
                TopK.Merge(sketch, categories);
                row.Sketch = TopK.ToJson(sketch);
            }
        }
    }
}
