using System.Globalization;
using System.Text;
using Portal.Analysis.Estimation;

namespace Portal.Analysis.Tests.Estimation;

/// <summary>Share of healthy windows whose estimate left its band, per metric and for any metric.</summary>
public sealed record CbpeFalseAlarms(int ReferenceRows, int WindowRows, int Windows, int ChunkSize, int Chunks, IReadOnlyDictionary<string, double> PerMetric, double AnyMetric)
{
    public double WorstMetric => PerMetric.Values.Max();
}

/// <summary>
/// The CBPE false-alarm simulation shared by the unit tests and the <c>cbpe-false-alarms</c> benchmark: a binary
/// model whose scores are a little overconfident (score = σ(1.3·z), true probability σ(z), z = −0.8 + 1.5·x,
/// x ~ N(0, 1), about 34 % positives); for each of <c>references</c> seeded references of N rows the model is fitted
/// as the portal fits it, then <c>windowsPerReference</c> windows of n rows are drawn from the same distribution
/// (no shift) and evaluated. Each reference and window uses its own <see cref="Random"/> seeded from (seed, N, n, index).
/// </summary>
public static class HealthyCbpe
{
    public const int Seed = 20261204;

    public static readonly string[] Metrics = ["accuracy", "precision", "recall", "f1", "rocAuc"];

    /// <summary>Labelled rows of the simulated model: score, label and the prediction at <paramref name="threshold"/>.</summary>
    public static (double[] Scores, int[] Labels, bool[] Predictions) Draw(Random random, int rows, double threshold = 0.5, double shift = 0)
    {
        var scores = new double[rows];
        var labels = new int[rows];
        var predictions = new bool[rows];
        for (var i = 0; i < rows; i++)
        {
            var x = Normal(random) + shift;
            var z = -0.8 + 1.5 * x;
            labels[i] = random.NextDouble() < Sigmoid(z) ? 1 : 0;
            scores[i] = Sigmoid(1.3 * z);
            predictions[i] = scores[i] >= threshold;
        }

        return (scores, labels, predictions);
    }

    /// <summary>
    /// Fits like the portal (chunk size <see cref="CbpeModel.ReferenceChunkSize"/>), or with
    /// <paramref name="chunkSize"/> and the chunk-level bands when given (the rule before issue #22).
    /// </summary>
    public static CbpeFalseAlarms Measure(int referenceRows, int windowRows, int references, int windowsPerReference, int seed, Func<int, int, int>? oldChunkSize = null)
    {
        var flagged = new int[Metrics.Length];
        var any = 0;
        var chunk = 0;
        var chunks = 0;
        var gate = new object();
        Parallel.For(0, references, r =>
        {
            var (scores, labels, predictions) = Draw(new Random(Mix(seed, referenceRows, windowRows, -1 - r)), referenceRows);
            var size = oldChunkSize?.Invoke(referenceRows, windowRows) ?? CbpeModel.ReferenceChunkSize(referenceRows);
            var model = CbpeModel.Fit(scores, labels, size, referencePredictions: predictions);
            var localFlagged = new int[Metrics.Length];
            var localAny = 0;
            for (var w = 0; w < windowsPerReference; w++)
            {
                var window = Draw(new Random(Mix(seed, referenceRows, windowRows, r * windowsPerReference + w)), windowRows);
                var outside = oldChunkSize is null
                    ? model.Evaluate(window.Scores, window.Predictions).MetricsOutsideBand
                    : OutsideChunkBands(model, model.Estimate(window.Scores, window.Predictions));
                for (var m = 0; m < Metrics.Length; m++)
                {
                    localFlagged[m] += outside.Contains(Metrics[m]) ? 1 : 0;
                }

                localAny += outside.Count > 0 ? 1 : 0;
            }

            lock (gate)
            {
                for (var m = 0; m < Metrics.Length; m++)
                {
                    flagged[m] += localFlagged[m];
                }

                any += localAny;
                (chunk, chunks) = (model.ChunkSize, model.ChunkedRows / model.ChunkSize);
            }
        });

        var windows = references * windowsPerReference;
        var perMetric = new Dictionary<string, double>();
        for (var m = 0; m < Metrics.Length; m++)
        {
            perMetric[Metrics[m]] = (double)flagged[m] / windows;
        }

        return new CbpeFalseAlarms(referenceRows, windowRows, windows, chunk, chunks, perMetric, (double)any / windows);
    }

    /// <summary>Markdown table: one row per (reference, window) size, rates in % of healthy windows.</summary>
    public static string Table(IEnumerable<CbpeFalseAlarms> rows)
    {
        var text = new StringBuilder();
        text.AppendLine($"| reference rows | window rows | windows | chunk × chunks | {string.Join(" | ", Metrics)} | any metric |");
        text.AppendLine($"|---|---|---|---|{string.Concat(Enumerable.Repeat("---|", Metrics.Length))}---|");
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {row.ReferenceRows} | {row.WindowRows} | {row.Windows} | {row.ChunkSize} × {row.Chunks} |");
            foreach (var metric in Metrics)
            {
                text.Append(CultureInfo.InvariantCulture, $" {Percent(row.PerMetric[metric])} |");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $" {Percent(row.AnyMetric)} |");
        }

        return text.ToString();
    }

    private static List<string> OutsideChunkBands(CbpeModel model, CbpeEstimate e)
    {
        var bands = new[] { model.Bands.Accuracy, model.Bands.Precision, model.Bands.Recall, model.Bands.F1, model.Bands.RocAuc };
        double[] values = [e.Accuracy, e.Precision, e.Recall, e.F1, e.RocAuc];
        var outside = new List<string>();
        for (var m = 0; m < Metrics.Length; m++)
        {
            if (bands[m] is { } band && !band.Contains(values[m]))
            {
                outside.Add(Metrics[m]);
            }
        }

        return outside;
    }

    private static string Percent(double share) => (100 * share).ToString("0.0", CultureInfo.InvariantCulture);

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // Not HashCode.Combine: it is randomised per process, and runs must be reproducible.
    private static int Mix(int seed, int referenceRows, int windowRows, int index) =>
        unchecked((((seed * 31 + referenceRows) * 31 + windowRows) * 31) + index);
}
