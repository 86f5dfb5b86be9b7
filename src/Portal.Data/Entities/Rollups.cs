namespace Portal.Data.Entities;

/// <summary>
/// Per model, version and minute: what dashboards and jobs read instead of raw rows. Updated by the
/// ingestion writer in the same transaction as the raw rows. Histogram formats: see Portal.Data.Rollups.
/// </summary>
public sealed class PredictionRollup : PredictionSums
{
    /// <summary>Start of the minute, Unix milliseconds.</summary>
    public long MinuteMs { get; set; }
}

/// <summary>
/// The same sums as <see cref="PredictionRollup"/> per model, version and hour, written by the ingestion writer in the
/// same transaction as the minute rows: long dashboard windows read one row per hour instead of sixty (every column adds
/// up, the latency log-histogram and score bins by bucket, so an hour row is exactly the sum of its minutes).
/// </summary>
public sealed class PredictionHourRollup : PredictionSums
{
    /// <summary>Start of the hour, Unix milliseconds.</summary>
    public long HourMs { get; set; }
}

/// <summary>What prediction rollups of any length hold (not an entity of its own).</summary>
public abstract class PredictionSums
{
    public int ModelId { get; set; }

    /// <summary>Model version, or "" when the predictions named none.</summary>
    public required string Version { get; set; }

    public long Count { get; set; }

    public long Errors { get; set; }

    public long SchemaViolations { get; set; }

    public long LatencyCount { get; set; }

    public double LatencySumMs { get; set; }

    public double LatencyMaxMs { get; set; }

    /// <summary><see cref="Rollups.LogHistogram"/> of latencies in ms, as JSON.</summary>
    public string LatencyBuckets { get; set; } = "{}";

    public long ScoreCount { get; set; }

    public double ScoreSum { get; set; }

    /// <summary>20 fixed bins on [0, 1] as a JSON array (<see cref="Rollups.ScoreHistogram"/>).</summary>
    public string ScoreBins { get; set; } = "[]";

    /// <summary>Predicted class → count, as a JSON object.</summary>
    public string ClassCounts { get; set; } = "{}";

    public long LowConfidence { get; set; }

    /// <summary>Regression predictions: count, sum and sum of squares of the predicted values.</summary>
    public long ValueCount { get; set; }

    public double ValueSum { get; set; }

    public double ValueSumSq { get; set; }
}

/// <summary>Per model, feature and minute: missing counts and a value sketch for drift on rollups.</summary>
public sealed class FeatureRollup
{
    public int ModelId { get; set; }

    public required string Feature { get; set; }

    public long MinuteMs { get; set; }

    public FeatureType Type { get; set; }

    /// <summary>Values present (not null).</summary>
    public long Count { get; set; }

    public long Missing { get; set; }

    /// <summary>Numerical values outside the schema range.</summary>
    public long OutOfRange { get; set; }

    /// <summary>Categorical values not in the schema's categories.</summary>
    public long NewCategories { get; set; }

    public double? Min { get; set; }

    public double? Max { get; set; }

    public double Sum { get; set; }

    public double SumSq { get; set; }

    /// <summary>Numerical: <see cref="Rollups.LogHistogram"/> JSON; categorical: <see cref="Rollups.TopK"/> JSON.</summary>
    public string Sketch { get; set; } = "{}";
}

/// <summary>Per model, version and minute of the prediction: how labelled predictions fared.</summary>
public sealed class QualityRollup : QualitySums
{
    public long MinuteMs { get; set; }
}

/// <summary>The same sums as <see cref="QualityRollup"/> per model, version and hour of the prediction (written with them).</summary>
public sealed class QualityHourRollup : QualitySums
{
    /// <summary>Start of the hour, Unix milliseconds.</summary>
    public long HourMs { get; set; }
}

/// <summary>What quality rollups of any length hold (not an entity of its own).</summary>
public abstract class QualitySums
{
    public int ModelId { get; set; }

    public required string Version { get; set; }

    public long Labelled { get; set; }

    /// <summary>Classification: predicted class equals the label.</summary>
    public long Correct { get; set; }

    /// <summary>Binary counts with positive class "1".</summary>
    public long TruePositives { get; set; }

    public long FalsePositives { get; set; }

    public long FalseNegatives { get; set; }

    public long TrueNegatives { get; set; }

    /// <summary>Regression: sums over labelled predictions of |y − ŷ|, (y − ŷ)², y and y².</summary>
    public double AbsErrorSum { get; set; }

    public double SqErrorSum { get; set; }

    public double LabelSum { get; set; }

    public double LabelSumSq { get; set; }
}

/// <summary>
/// Per model, version and minute of the prediction: how many labelled predictions had true class
/// <see cref="TrueClass"/> and predicted class <see cref="PredictedClass"/> (the confusion matrix of classifiers, binary
/// and multiclass alike). Written with the quality rollups; at most <see cref="MaxClasses"/> distinct classes per model,
/// version and minute, further ones counted under <see cref="Other"/>.
/// </summary>
public sealed class ConfusionRollup
{
    /// <summary>Distinct classes (true or predicted) kept per model, version and minute.</summary>
    public const int MaxClasses = 20;

    /// <summary>The class that stands for every class past <see cref="MaxClasses"/> (same marker as Rollups.TopK).</summary>
    public const string Other = "__other__";

    public int ModelId { get; set; }

    public required string Version { get; set; }

    public long MinuteMs { get; set; }

    public required string TrueClass { get; set; }

    public required string PredictedClass { get; set; }

    public long Count { get; set; }
}

/// <summary>Per host and minute: resource usage averages and peaks.</summary>
public sealed class ResourceRollup
{
    public required string Host { get; set; }

    public long MinuteMs { get; set; }

    /// <summary>Model the host serves, or 0 when the samples named none.</summary>
    public int ModelId { get; set; }

    public long Samples { get; set; }

    /// <summary>Samples that carried each metric (averages divide by these).</summary>
    public long CpuSamples { get; set; }

    public long MemorySamples { get; set; }

    public long GpuSamples { get; set; }

    public double CpuSum { get; set; }

    public double CpuMax { get; set; }

    public double MemoryPercentSum { get; set; }

    public long MemoryBytesMax { get; set; }

    public double GpuSum { get; set; }

    public double GpuMax { get; set; }

    public long GpuMemoryBytesMax { get; set; }
}
