using Portal.Analysis.Common;

namespace Portal.Analysis.Estimation;

/// <summary>
/// Isotonic (monotone non-decreasing) calibration of scores to probabilities, equal to scikit-learn's
/// <c>IsotonicRegression(out_of_bounds="clip").fit(scores, labels).predict(...)</c>: labels are averaged over equal
/// scores, the pool-adjacent-violators algorithm fits a non-decreasing step sequence weighted by those counts,
/// and predictions interpolate linearly between the distinct fitted scores, clipped to the fitted range.
/// </summary>
public sealed class IsotonicCalibrator
{
    private readonly double[] x;
    private readonly double[] y;

    private IsotonicCalibrator(double[] x, double[] y)
    {
        this.x = x;
        this.y = y;
    }

    /// <summary>The distinct fitted scores, ascending.</summary>
    public IReadOnlyList<double> Scores => x;

    /// <summary>The calibrated probability at each of <see cref="Scores"/>.</summary>
    public IReadOnlyList<double> Probabilities => y;

    /// <summary>Fits on scores and 0/1 labels of the same length (at least one; finite scores).</summary>
    public static IsotonicCalibrator Fit(IReadOnlyList<double> scores, IReadOnlyList<int> labels)
    {
        Guard.Finite(scores, nameof(scores));
        Guard.Binary(labels, nameof(labels));
        Guard.SameLength(scores.Count, labels.Count, nameof(labels));
        return Fit(scores, labels, null);
    }

    /// <summary>Fit on the rows whose index is selected (all when null); inputs already validated.</summary>
    internal static IsotonicCalibrator Fit(IReadOnlyList<double> scores, IReadOnlyList<int> labels, Func<int, bool>? include)
    {
        var order = new List<int>(scores.Count);
        for (var i = 0; i < scores.Count; i++)
        {
            if (include is null || include(i))
            {
                order.Add(i);
            }
        }

        order.Sort((a, b) => scores[a].CompareTo(scores[b]));

        // Distinct scores with the mean label and count of each.
        var xs = new List<double>();
        var means = new List<double>();
        var weights = new List<double>();
        var k = 0;
        while (k < order.Count)
        {
            var score = scores[order[k]];
            var sum = 0.0;
            var count = 0;
            while (k < order.Count && scores[order[k]] == score)
            {
                sum += labels[order[k]];
                count++;
                k++;
            }

            xs.Add(score);
            means.Add(sum / count);
            weights.Add(count);
        }

        return new IsotonicCalibrator(xs.ToArray(), PoolAdjacentViolators(means, weights));
    }

    /// <summary>Calibrated probability of one score.</summary>
    public double Predict(double score)
    {
        if (double.IsNaN(score))
        {
            throw new AnalysisInputException("score", "is NaN");
        }

        if (score <= x[0])
        {
            return y[0];
        }

        if (score >= x[^1])
        {
            return y[^1];
        }

        var hi = Array.BinarySearch(x, score);
        if (hi >= 0)
        {
            return y[hi];
        }

        hi = ~hi;
        var lo = hi - 1;
        return y[lo] + (score - x[lo]) / (x[hi] - x[lo]) * (y[hi] - y[lo]);
    }

    /// <summary>Calibrated probabilities of many scores.</summary>
    public double[] Predict(IReadOnlyList<double> scores)
    {
        Guard.Finite(scores, nameof(scores));
        var result = new double[scores.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Predict(scores[i]);
        }

        return result;
    }

    /// <summary>Weighted least-squares non-decreasing fit (pool adjacent violators).</summary>
    private static double[] PoolAdjacentViolators(List<double> values, List<double> weights)
    {
        var n = values.Count;
        var blockValue = new double[n];
        var blockWeight = new double[n];
        var blockEnd = new int[n];
        var blocks = 0;
        for (var i = 0; i < n; i++)
        {
            blockValue[blocks] = values[i];
            blockWeight[blocks] = weights[i];
            blockEnd[blocks] = i;
            blocks++;
            while (blocks > 1 && blockValue[blocks - 2] > blockValue[blocks - 1])
            {
                var w = blockWeight[blocks - 2] + blockWeight[blocks - 1];
                blockValue[blocks - 2] = (blockValue[blocks - 2] * blockWeight[blocks - 2] + blockValue[blocks - 1] * blockWeight[blocks - 1]) / w;
                blockWeight[blocks - 2] = w;
                blockEnd[blocks - 2] = blockEnd[blocks - 1];
                blocks--;
            }
        }

        var fitted = new double[n];
        var start = 0;
        for (var b = 0; b < blocks; b++)
        {
            for (var i = start; i <= blockEnd[b]; i++)
            {
                fitted[i] = blockValue[b];
            }

            start = blockEnd[b] + 1;
        }

        return fitted;
    }
}
