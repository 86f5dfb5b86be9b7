using System.Globalization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Portal.Analysis.Common;
using Portal.Analysis.Multivariate;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>
/// Multivariate drift of a drift run: the rows of the model's numerical features (a row with a missing value is dropped)
/// against the reference, by PCA reconstruction error (<see cref="PcaReconstructionModel"/>) and the MMD test
/// (<see cref="MmdTest"/>). The PCA fit, the reference rows' errors and the reference's MMD sample are cached per
/// reference dataset (a dataset never changes once uploaded; a new upload is a new id), so a run refits nothing.
/// The band is computed per run from the cached errors over reference chunks of the window's row count (at most a
/// tenth of the reference, so the band has at least ten chunks).
/// </summary>
public sealed class MultivariateDrift(ReferenceReader references, IMemoryCache cache, IOptions<JobsOptions> options)
{
    /// <summary>The band has at least this many reference chunks.</summary>
    public const int MinReferenceChunks = 10;

    /// <summary>Seed of the MMD permutations: the same data gives the same p-value.</summary>
    public const int MmdSeed = 17;

    /// <summary>Fills the run's multivariate fields, or says in <see cref="DriftRun.MultivariateMessage"/> why they are empty.</summary>
    public async Task AnalyseAsync(DriftRun run, ReferenceDataset? reference, IReadOnlyList<FeatureSpec> features, DriftSample current, int minRows, CancellationToken cancellationToken)
    {
        var numerical = features.Where(f => f.Type == FeatureType.Numerical).Select(f => f.Name).ToList();
        if (reference is null)
        {
            run.MultivariateMessage = "not computed: multivariate drift needs a reference dataset (PCA is fitted on it)";
            return;
        }

        var names = numerical.Where(n => reference.Columns.Any(c => c.Name == n)).ToList();
        if (names.Count < 2)
        {
            run.MultivariateMessage = $"not computed: needs at least two numerical features in both the schema and the reference; found {names.Count}";
            return;
        }

        var fit = await FitAsync(reference, names, cancellationToken);
        if (fit.Problem is not null)
        {
            run.MultivariateMessage = "not computed: " + fit.Problem;
            return;
        }

        var (rows, dropped) = CompleteRows(names.Select(n => current.Numbers[n]).ToList());
        var droppedNote = $"{dropped:N0} of {rows.Count + dropped:N0} window rows and {fit.Dropped:N0} of {fit.RowCount + fit.Dropped:N0} reference rows dropped for a missing value";
        if (rows.Count < Math.Max(2, minRows))
        {
            run.MultivariateMessage = $"not computed: {rows.Count:N0} complete window rows, fewer than the minimum sample size {minRows:N0} ({droppedNote})";
            return;
        }

        var chunk = Math.Max(1, Math.Min(rows.Count, fit.RowCount / MinReferenceChunks));
        var band = ReferenceBand.From(ChunkMeans(fit.ReferenceErrors, chunk));
        if (band is null)
        {
            run.MultivariateMessage = $"not computed: the reference's {fit.RowCount} complete rows give fewer than two chunks for a band";
            return;
        }

        var error = fit.Model.MeanError(rows);
        run.PcaReconstructionError = error;
        run.PcaBandLower = band.Lower;
        run.PcaBandUpper = band.Upper;
        run.PcaDrift = !band.Contains(error);
        run.PcaComponents = fit.Model.Components;

        var o = options.Value;
        var sample = Sample(rows, MmdRows(o));
        var mmd = MmdTest.Run(fit.MmdSample, sample, Math.Max(1, o.MmdPermutations), MmdSeed);
        run.MmdStatistic = mmd.Statistic;
        run.MmdPValue = mmd.PValue;
        run.MmdDrift = mmd.PValue < o.MmdAlpha;
        run.MultivariateMessage = string.Create(CultureInfo.InvariantCulture,
            $"{names.Count} numerical features ({string.Join(", ", names)}); PCA keeps {fit.Model.Components} components ({fit.Model.ExplainedVariance:P0} of the variance), " +
            $"band from {band.Chunks} reference chunks of {chunk:N0} rows; MMD on {fit.MmdSample.Count:N0} reference and {sample.Count:N0} window rows, " +
            $"{mmd.Permutations} permutations, alpha {o.MmdAlpha}; {droppedNote}");
    }

    /// <summary>Rows per side of the MMD test: the configured cap within what <see cref="MmdTest"/> accepts.</summary>
    public static int MmdRows(JobsOptions o) => Math.Clamp(o.MmdMaxRows, 2, MmdTest.MaxPooledRows / 2);

    /// <summary>The rows with a finite value in every column, and how many rows were dropped.</summary>
    public static (List<double[]> Rows, int Dropped) CompleteRows(IReadOnlyList<double[]> columns)
    {
        var count = columns.Min(c => c.Length);
        var rows = new List<double[]>(count);
        for (var r = 0; r < count; r++)
        {
            var row = new double[columns.Count];
            var complete = true;
            for (var c = 0; c < columns.Count && complete; c++)
            {
                row[c] = columns[c][r];
                complete = double.IsFinite(row[c]);
            }

            if (complete)
            {
                rows.Add(row);
            }
        }

        return (rows, count - rows.Count);
    }

    /// <summary>At most <paramref name="max"/> rows, evenly spaced (all of them when there are fewer).</summary>
    public static IReadOnlyList<double[]> Sample(IReadOnlyList<double[]> rows, int max)
    {
        if (rows.Count <= max)
        {
            return rows;
        }

        var sample = new double[max][];
        for (var i = 0; i < max; i++)
        {
            sample[i] = rows[(int)((long)i * rows.Count / max)];
        }

        return sample;
    }

    private static List<double> ChunkMeans(double[] errors, int chunk)
    {
        var means = new List<double>();
        for (var start = 0; start + chunk <= errors.Length; start += chunk)
        {
            var sum = 0.0;
            for (var i = start; i < start + chunk; i++)
            {
                sum += errors[i];
            }

            means.Add(sum / chunk);
        }

        return means;
    }

    private sealed record ReferenceFit(PcaReconstructionModel Model, int RowCount, int Dropped, double[] ReferenceErrors, IReadOnlyList<double[]> MmdSample, string? Problem);

    private async Task<ReferenceFit> FitAsync(ReferenceDataset reference, List<string> names, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var cap = Math.Max(1, o.DriftMaxRows);
        var key = (nameof(MultivariateDrift), reference.Id, reference.RowCount, string.Join('\u001f', names), cap, MmdRows(o));
        if (cache.TryGetValue(key, out ReferenceFit? cached) && cached is not null)
        {
            return cached;
        }

        var columns = new List<double[]>();
        foreach (var name in names)
        {
            columns.Add(await references.ReadNumbersAsync(reference, name, cap, cancellationToken) ?? []);
        }

        var (rows, dropped) = CompleteRows(columns);
        ReferenceFit fit;
        if (rows.Count < 2)
        {
            fit = new ReferenceFit(null!, rows.Count, dropped, [], [], $"the reference has {rows.Count} complete rows of the numerical features ({dropped:N0} dropped for a missing value)");
        }
        else
        {
            var model = PcaReconstructionModel.Fit(rows, Math.Max(1, rows.Count / MinReferenceChunks));
            fit = new ReferenceFit(model, rows.Count, dropped, model.Errors(rows), Sample(rows, MmdRows(o)), null);
        }

        cache.Set(key, fit, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromHours(6) });
        return fit;
    }
}
