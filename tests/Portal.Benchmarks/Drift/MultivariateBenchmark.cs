using System.Diagnostics;
using System.Globalization;
using Portal.Analysis.Multivariate;

namespace Portal.Benchmarks.Drift;

/// <summary>
/// What multivariate drift adds to a drift run: the MMD test on the capped samples (rows per side, permutations as the
/// drift job's defaults) and the PCA fit and evaluation on a large reference and window. Median of the runs.
/// </summary>
public static class MultivariateBenchmark
{
    public static int Run(string[] args)
    {
        var features = Option(args, "--features", 10);
        var rows = Option(args, "--rows", 500);
        var permutations = Option(args, "--permutations", 200);
        var pcaRows = Option(args, "--pca-rows", 100_000);
        var runs = Option(args, "--runs", 9);
        var random = new Random(1);
        double[][] Table(int n, double link) => Enumerable.Range(0, n).Select(_ =>
        {
            var common = Normal(random);
            return Enumerable.Range(0, features).Select(_ => (link * common) + (Math.Sqrt(1 - (link * link)) * Normal(random))).ToArray();
        }).ToArray();

        var reference = Table(rows, 0.8);
        var current = Table(rows, 0.0);
        var mmd = Median(runs, () => MmdTest.Run(reference, current, permutations, 17));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MMD, {features} features, {rows} + {rows} rows, {permutations} permutations: median {mmd:0.000} s"));

        var big = Table(pcaRows, 0.8);
        var window = Table(pcaRows, 0.0);
        var fit = Median(runs, () => PcaReconstructionModel.Fit(big, pcaRows / 10));
        var model = PcaReconstructionModel.Fit(big, pcaRows / 10);
        var evaluate = Median(runs, () => model.MeanError(window));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PCA, {features} features: fit on {pcaRows:N0} rows median {fit:0.000} s; error of a {pcaRows:N0}-row window median {evaluate:0.000} s"));
        return 0;
    }

    private static double Median(int runs, Action action)
    {
        action(); // warm-up
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalSeconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
