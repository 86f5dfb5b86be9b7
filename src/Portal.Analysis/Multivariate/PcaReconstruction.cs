using MathNet.Numerics.LinearAlgebra;
using Portal.Analysis.Common;

namespace Portal.Analysis.Multivariate;

/// <summary>The reconstruction error of one window against the reference band.</summary>
/// <param name="Rows">Rows in the window.</param>
/// <param name="MeanError">Mean Euclidean reconstruction error of the window's rows.</param>
/// <param name="Band">The reference band.</param>
/// <param name="Drift">True when the error is outside the band.</param>
public sealed record ReconstructionWindow(int Rows, double MeanError, ReferenceBand Band, bool Drift);

/// <summary>
/// Multivariate drift by data reconstruction with PCA (as NannyML's DataReconstructionDriftCalculator):
/// features are standardised on the reference (mean, standard deviation with ddof 0; a constant feature keeps
/// scale 1), PCA is fitted on the standardised reference keeping the fewest components whose explained variance
/// share exceeds the target (scikit-learn <c>PCA(n_components=0.65)</c>), and each row's error is the Euclidean
/// distance between its standardised values and their reconstruction from the components. A change in the
/// relationships between features (not only in each feature) raises the error.
/// </summary>
public sealed class PcaReconstructionModel
{
    private readonly double[] means;
    private readonly double[] scales;
    private readonly double[] pcaMean;
    private readonly Matrix<double> components; // k × d, rows are unit principal axes

    private PcaReconstructionModel(double[] means, double[] scales, double[] pcaMean, Matrix<double> components, double explained)
    {
        this.means = means;
        this.scales = scales;
        this.pcaMean = pcaMean;
        this.components = components;
        ExplainedVariance = explained;
    }

    /// <summary>Number of features.</summary>
    public int Features => means.Length;

    /// <summary>Number of principal components kept.</summary>
    public int Components => components.RowCount;

    /// <summary>Share of the standardised reference variance the kept components explain.</summary>
    public double ExplainedVariance { get; }

    /// <summary>Band of the mean error over the reference chunks; null when the reference has fewer than two chunks.</summary>
    public ReferenceBand? Band { get; private set; }

    /// <summary>
    /// Fits the model on reference rows (at least two, all the same length, finite) and computes the band over
    /// consecutive reference chunks of <paramref name="chunkSize"/> rows (a last partial chunk is dropped).
    /// </summary>
    public static PcaReconstructionModel Fit(IReadOnlyList<double[]> reference, int chunkSize, double varianceToKeep = 0.65)
    {
        var d = Guard.Table(reference, nameof(reference), 2);
        Guard.Positive(chunkSize, nameof(chunkSize));
        Guard.Probability(varianceToKeep, nameof(varianceToKeep));
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
                var dev = reference[r][c] - means[c];
                squares += dev * dev;
            }

            var sd = Math.Sqrt(squares / n);
            scales[c] = sd > 0 ? sd : 1.0;
        }

        var z = Matrix<double>.Build.Dense(n, d, (r, c) => (reference[r][c] - means[c]) / scales[c]);
        var pcaMean = new double[d];
        for (var c = 0; c < d; c++)
        {
            pcaMean[c] = z.Column(c).Sum() / n;
        }

        var centred = Matrix<double>.Build.Dense(n, d, (r, c) => z[r, c] - pcaMean[c]);
        var covariance = centred.TransposeThisAndMultiply(centred) / (n - 1);
        var evd = covariance.Evd(Symmetricity.Symmetric);
        var eigenvalues = evd.EigenValues.Real().ToArray();
        var order = Enumerable.Range(0, d).OrderByDescending(i => eigenvalues[i]).ToArray();
        var totalVariance = 0.0;
        foreach (var value in eigenvalues)
        {
            totalVariance += Math.Max(0, value);
        }

        // scikit-learn: the fewest components whose cumulative ratio is strictly above the target.
        var kept = d;
        var cumulative = 0.0;
        if (totalVariance > 0)
        {
            for (var k = 0; k < d; k++)
            {
                cumulative += Math.Max(0, eigenvalues[order[k]]) / totalVariance;
                if (cumulative > varianceToKeep)
                {
                    kept = k + 1;
                    break;
                }
            }
        }
        else
        {
            kept = 1; // every feature constant: nothing to explain
        }

        var explained = 0.0;
        var axes = Matrix<double>.Build.Dense(kept, d);
        for (var k = 0; k < kept; k++)
        {
            axes.SetRow(k, evd.EigenVectors.Column(order[k]));
            explained += totalVariance > 0 ? Math.Max(0, eigenvalues[order[k]]) / totalVariance : 0;
        }

        var model = new PcaReconstructionModel(means, scales, pcaMean, axes, explained);
        var chunkErrors = new List<double>();
        for (var start = 0; start + chunkSize <= n; start += chunkSize)
        {
            chunkErrors.Add(model.MeanError(Slice(reference, start, chunkSize)));
        }

        model.Band = ReferenceBand.From(chunkErrors);
        return model;
    }

    /// <summary>Euclidean reconstruction error of each row, in standardised units.</summary>
    public double[] Errors(IReadOnlyList<double[]> rows)
    {
        Guard.Table(rows, nameof(rows), 1, Features);
        var d = Features;
        var errors = new double[rows.Count];
        var centred = new double[d];
        var scores = new double[Components];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < d; c++)
            {
                centred[c] = (rows[r][c] - means[c]) / scales[c] - pcaMean[c];
            }

            for (var k = 0; k < Components; k++)
            {
                var s = 0.0;
                for (var c = 0; c < d; c++)
                {
                    s += components[k, c] * centred[c];
                }

                scores[k] = s;
            }

            var squared = 0.0;
            for (var c = 0; c < d; c++)
            {
                var reconstructed = 0.0;
                for (var k = 0; k < Components; k++)
                {
                    reconstructed += scores[k] * components[k, c];
                }

                var residual = centred[c] - reconstructed;
                squared += residual * residual;
            }

            errors[r] = Math.Sqrt(squared);
        }

        return errors;
    }

    /// <summary>Mean reconstruction error of the rows (at least one).</summary>
    public double MeanError(IReadOnlyList<double[]> rows)
    {
        var errors = Errors(rows);
        var sum = 0.0;
        foreach (var e in errors)
        {
            sum += e;
        }

        return sum / errors.Length;
    }

    /// <summary>Mean error of a window, compared with the reference band (which needs two reference chunks).</summary>
    public ReconstructionWindow Evaluate(IReadOnlyList<double[]> window)
    {
        var band = Band ?? throw new AnalysisInputException("reference", "needs at least two reference chunks for a band");
        var error = MeanError(window);
        return new ReconstructionWindow(window.Count, error, band, !band.Contains(error));
    }

    private static double[][] Slice(IReadOnlyList<double[]> rows, int start, int count)
    {
        var slice = new double[count][];
        for (var i = 0; i < count; i++)
        {
            slice[i] = rows[start + i];
        }

        return slice;
    }
}
