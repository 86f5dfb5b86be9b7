using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Data.Rollups;

/// <summary>
/// Mergeable histogram with log-spaced buckets (the DDSketch scheme), used for latencies and numerical features.
/// <para>
/// A value x &gt; 0 falls in bucket i = ⌈ln x / ln γ⌉ with γ = (1 + α) / (1 − α) and α = <see cref="RelativeError"/> = 2 %;
/// the bucket covers (γ^(i−1), γ^i] and is represented by 2γ^i / (γ + 1), which is within α of every value in it.
/// So a quantile read from the histogram is within ±2 % (relative) of the true sample quantile's value.
/// Negative values use the same buckets on |x|; values with |x| &lt; <see cref="MinMagnitude"/> count as zero.
/// </para>
/// JSON form: <c>{"z": zeros, "p": {"i": count}, "n": {"i": count}}</c> (p: positive, n: negative buckets).
/// </summary>
public sealed class LogHistogram
{
    /// <summary>Relative error α of any value (and so any quantile) read from the histogram.</summary>
    public const double RelativeError = 0.02;

    public const double MinMagnitude = 1e-9;

    public static readonly double Gamma = (1 + RelativeError) / (1 - RelativeError);

    private static readonly double LogGamma = Math.Log(Gamma);

    [JsonPropertyName("z")]
    public long Zeros { get; set; }

    [JsonPropertyName("p")]
    public Dictionary<int, long> Positive { get; set; } = [];

    [JsonPropertyName("n")]
    public Dictionary<int, long> Negative { get; set; } = [];

    [JsonIgnore]
    public long Count => Zeros + Positive.Values.Sum() + Negative.Values.Sum();

    public static int BucketOf(double magnitude) => (int)Math.Ceiling(Math.Log(magnitude) / LogGamma);

    /// <summary>The value that represents bucket <paramref name="index"/> (relative error ≤ α for its members).</summary>
    public static double ValueOf(int index) => 2 * Math.Pow(Gamma, index) / (Gamma + 1);

    /// <summary>Upper edge γ^i of bucket <paramref name="index"/>.</summary>
    public static double UpperEdgeOf(int index) => Math.Pow(Gamma, index);

    public void Add(double value, long count = 1)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "must be finite");
        }

        var magnitude = Math.Abs(value);
        if (magnitude < MinMagnitude)
        {
            Zeros += count;
            return;
        }

        var buckets = value > 0 ? Positive : Negative;
        var index = BucketOf(magnitude);
        buckets[index] = buckets.GetValueOrDefault(index) + count;
    }

    public void Merge(LogHistogram other)
    {
        Zeros += other.Zeros;
        foreach (var (i, c) in other.Positive)
        {
            Positive[i] = Positive.GetValueOrDefault(i) + c;
        }

        foreach (var (i, c) in other.Negative)
        {
            Negative[i] = Negative.GetValueOrDefault(i) + c;
        }
    }

    /// <summary>Buckets in ascending order of value: (representative value, count).</summary>
    public IEnumerable<(double Value, long Count)> Buckets()
    {
        foreach (var (i, c) in Negative.OrderByDescending(b => b.Key))
        {
            yield return (-ValueOf(i), c);
        }

        if (Zeros > 0)
        {
            yield return (0, Zeros);
        }

        foreach (var (i, c) in Positive.OrderBy(b => b.Key))
        {
            yield return (ValueOf(i), c);
        }
    }

    /// <summary>The q-quantile (0 ≤ q ≤ 1) by nearest rank over the buckets, within <see cref="RelativeError"/>; null when empty.</summary>
    public double? Quantile(double q)
    {
        var total = Count;
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Floor(Math.Clamp(q, 0, 1) * (total - 1));
        long seen = 0;
        foreach (var (value, count) in Buckets())
        {
            seen += count;
            if (seen > rank)
            {
                return value;
            }
        }

        return null;
    }

    public string ToJson() => JsonSerializer.Serialize(this, RollupJson.Options);

    public static LogHistogram FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) || json == "{}" ? new LogHistogram() : JsonSerializer.Deserialize<LogHistogram>(json, RollupJson.Options) ?? new LogHistogram();
}
