using Portal.Analysis.Common;

namespace Portal.Analysis.Multivariate;

/// <summary>Result of the MMD two-sample test.</summary>
/// <param name="Statistic">Unbiased estimate of MMD² between reference and current.</param>
/// <param name="PValue">(1 + permutations with MMD² ≥ observed) / (1 + permutations).</param>
/// <param name="Bandwidth">σ of the RBF kernel exp(−‖x − y‖² / (2σ²)).</param>
/// <param name="Permutations">Number of label permutations drawn.</param>
public sealed record MmdResult(double Statistic, double PValue, double Bandwidth, int Permutations);

/// <summary>
/// Maximum mean discrepancy two-sample test (Gretton et al. 2012) with an RBF kernel. Features are standardised
/// with the reference mean and standard deviation (ddof 0; a constant feature keeps scale 1) so that no feature
/// dominates by its unit; σ is the median heuristic: the median Euclidean distance over all pairs of the pooled
/// standardised rows (1 when that median is 0). The p-value comes from random re-assignments of the pooled rows
/// to the two samples, drawn from <see cref="Random"/> with the given seed: the same inputs and seed give the
/// same p-value. Cost O((n + m)² · (d + permutations)) time and O((n + m)²) memory (two arrays of the pair count), so pooled samples are limited
/// to <see cref="MaxPooledRows"/> rows: subsample larger windows first.
/// </summary>
public static class MmdTest
{
    /// <summary>Largest n + m accepted.</summary>
    public const int MaxPooledRows = 3000;

    /// <summary>Runs the test; each sample needs at least two rows of the same width.</summary>
    public static MmdResult Run(IReadOnlyList<double[]> reference, IReadOnlyList<double[]> current, int permutations = 500, int seed = 0)
    {
        var d = Guard.Table(reference, nameof(reference), 2);
        Guard.Table(current, nameof(current), 2, d);
        Guard.Positive(permutations, nameof(permutations));
        var n = reference.Count;
        var m = current.Count;
        var total = n + m;
        if (total > MaxPooledRows)
        {
            throw new AnalysisInputException(nameof(current), $"reference and current have {total} rows together; subsample to at most {MaxPooledRows}");
        }

        var pooled = Standardise(reference, current, d);

        // Squared distances of the pairs i < j, packed row by row (the diagonal is never used).
        var kernel = new double[total * (total - 1) / 2];
        var p = 0;
        for (var i = 0; i < total; i++)
        {
            for (var j = i + 1; j < total; j++)
            {
                var s = 0.0;
                for (var c = 0; c < d; c++)
                {
                    var diff = pooled[i][c] - pooled[j][c];
                    s += diff * diff;
                }

                kernel[p++] = s;
            }
        }

        var sigma = MedianDistance(kernel);
        if (!(sigma > 0))
        {
            sigma = 1.0;
        }

        var gamma = 1.0 / (2 * sigma * sigma);
        for (var i = 0; i < kernel.Length; i++)
        {
            kernel[i] = Math.Exp(-gamma * kernel[i]);
        }

        var inReference = new bool[total];
        for (var i = 0; i < n; i++)
        {
            inReference[i] = true;
        }

        var observed = Statistic(kernel, inReference, n, m);
        var random = new Random(seed);
        var order = new int[total];
        for (var i = 0; i < total; i++)
        {
            order[i] = i;
        }

        var atLeast = 0;
        for (var b = 0; b < permutations; b++)
        {
            for (var i = total - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            for (var i = 0; i < total; i++)
            {
                inReference[order[i]] = i < n;
            }

            if (Statistic(kernel, inReference, n, m) >= observed)
            {
                atLeast++;
            }
        }

        return new MmdResult(observed, (1.0 + atLeast) / (1.0 + permutations), sigma, permutations);
    }

    private static double Statistic(double[] kernel, bool[] inReference, int n, int m)
    {
        var total = inReference.Length;
        double xx = 0, yy = 0, xy = 0;
        var p = 0;
        for (var i = 0; i < total; i++)
        {
            var iRef = inReference[i];
            for (var j = i + 1; j < total; j++)
            {
                var k = kernel[p++];
                if (iRef == inReference[j])
                {
                    if (iRef)
                    {
                        xx += k;
                    }
                    else
                    {
                        yy += k;
                    }
                }
                else
                {
                    xy += k;
                }
            }
        }

        // Sums over i < j; the unbiased estimate uses ordered pairs i ≠ j, hence the factors 2.
        return 2 * xx / (n * (n - 1.0)) + 2 * yy / (m * (m - 1.0)) - 2 * xy / ((double)n * m);
    }

    private static double[][] Standardise(IReadOnlyList<double[]> reference, IReadOnlyList<double[]> current, int d)
    {
        var n = reference.Count;
        var means = new double[d];
        var scales = new double[d];
        for (var c = 0; c < d; c++)
        {
            var sum = 0.0;
            for (var r = 0; r < n; r++)
            {
                sum += reference[r][c];
            }

            means[c] = sum / n;
            var squares = 0.0;
            for (var r = 0; r < n; r++)
            {
                squares += (reference[r][c] - means[c]) * (reference[r][c] - means[c]);
            }

            var sd = Math.Sqrt(squares / n);
            scales[c] = sd > 0 ? sd : 1.0;
        }

        var pooled = new double[n + current.Count][];
        for (var r = 0; r < pooled.Length; r++)
        {
            var source = r < n ? reference[r] : current[r - n];
            var row = new double[d];
            for (var c = 0; c < d; c++)
            {
                row[c] = (source[c] - means[c]) / scales[c];
            }

            pooled[r] = row;
        }

        return pooled;
    }

    /// <summary>Median of the distances, from the squared distances (sorted copy).</summary>
    private static double MedianDistance(double[] squaredDistances)
    {
        var sorted = (double[])squaredDistances.Clone();
        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? Math.Sqrt(sorted[mid]) : 0.5 * (Math.Sqrt(sorted[mid - 1]) + Math.Sqrt(sorted[mid]));
    }
}
