using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Portal.Analysis.Drift;

namespace Portal.Benchmarks.Drift;

/// <summary>
/// The drift-report workload of issue 2: 20 numerical features, 100k reference × 100k current rows,
/// tests ks (asymptotic at this size), psi, wasserstein (normed) and jensenshannon per feature.
/// Baseline: the same workload on the same data with SciPy/NumPy (Debian's python3-scipy), measured in the same run.
/// </summary>
public static class DriftReportBenchmark
{
    private static readonly string[] Tests = [DriftTestIds.Ks, DriftTestIds.Psi, DriftTestIds.Wasserstein, DriftTestIds.JensenShannon];

    public static int Run(string[] args)
    {
        var features = IntArg(args, "--features", 20);
        var rows = IntArg(args, "--rows", 100_000);
        var runs = IntArg(args, "--runs", 15);
        var python = StringArg(args, "--python", "/usr/bin/python3");

        Console.WriteLine($"drift report: {features} features x {rows:N0} reference x {rows:N0} current rows, tests {string.Join(", ", Tests)}; {Environment.ProcessorCount} cores");
        var (reference, current) = Generate(features, rows);

        // Portal: the whole report, including building the samples (NaN removal + the one sort per column).
        DriftReport? report = null;
        var times = Measure(runs, () => report = DriftAnalyzer.Analyze(Columns(reference, current)));
        var allocated = AllocatedPerRun(() => DriftAnalyzer.Analyze(Columns(reference, current)));
        Console.WriteLine($"portal  median {Median(times):F3} s  min {times.Min():F3} s  ({runs} runs, {allocated / 1e6:F0} MB allocated per report)");

        var baseline = RunScipy(python, reference, current, runs, report!);
        if (baseline is not null)
        {
            Console.WriteLine($"scipy   median {baseline.Value:F3} s  (same data, same tests)");
            Console.WriteLine($"speed-up vs scipy: {baseline.Value / Median(times):F1}x");
        }

        return 0;
    }

    private static List<DriftColumn> Columns(double[][] reference, double[][] current)
    {
        var columns = new List<DriftColumn>(reference.Length);
        for (var f = 0; f < reference.Length; f++)
        {
            columns.Add(new DriftColumn($"f{f}", ColumnType.Numerical, ColumnSample.FromNumbers(reference[f]), ColumnSample.FromNumbers(current[f]), Tests));
        }

        return columns;
    }

    /// <summary>Normal features; the current window is shifted a little more for each feature.</summary>
    private static (double[][] Reference, double[][] Current) Generate(int features, int rows)
    {
        var random = new Random(42);
        var reference = new double[features][];
        var current = new double[features][];
        for (var f = 0; f < features; f++)
        {
            reference[f] = new double[rows];
            current[f] = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                reference[f][i] = Math.Round(Gaussian(random) * 10 + 50, 3);
                current[f][i] = Math.Round(Gaussian(random) * 10 * (1 + f * 0.01) + 50 + f * 0.1, 3);
            }
        }

        return (reference, current);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double[] Measure(int runs, Action action)
    {
        action(); // warm-up: JIT and tiered compilation
        action();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times[i] = watch.Elapsed.TotalSeconds;
        }

        return times;
    }

    private static long AllocatedPerRun(Action action)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        action();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Writes the data as raw float64, runs drift_baseline.py on it, and checks both agree.</summary>
    private static double? RunScipy(string python, double[][] reference, double[][] current, int runs, DriftReport report)
    {
        if (!File.Exists(python))
        {
            Console.WriteLine($"scipy baseline skipped: {python} not found (apt-get install python3-scipy)");
            return null;
        }

        var folder = Directory.CreateTempSubdirectory("portal-drift-bench").FullName;
        try
        {
            WriteMatrix(Path.Combine(folder, "reference.f64"), reference);
            WriteMatrix(Path.Combine(folder, "current.f64"), current);
            var script = Path.Combine(AppContext.BaseDirectory, "Drift", "drift_baseline.py");
            var start = new ProcessStartInfo(python, [script, folder, reference.Length.ToString(CultureInfo.InvariantCulture), reference[0].Length.ToString(CultureInfo.InvariantCulture), runs.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.WriteLine($"scipy baseline failed: {error.Trim()}");
                return null;
            }

            using var json = JsonDocument.Parse(output);
            CompareResults(json.RootElement.GetProperty("results"), report);
            return json.RootElement.GetProperty("median").GetDouble();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void CompareResults(JsonElement scipy, DriftReport report)
    {
        var worst = 0.0;
        var where = "";
        foreach (var column in report.ColumnResults)
        {
            var expected = scipy.GetProperty(column.Column);
            foreach (var (test, field) in new[] { ("ks", "pValueAsymptotic"), ("ks", "statistic"), ("psi", "value"), ("wasserstein", "normed"), ("jensenshannon", "value") })
            {
                var want = expected.GetProperty($"{test}.{field}").GetDouble();
                var got = column.Results[test][field];
                var relative = Math.Abs(got - want) / Math.Max(1e-9, Math.Abs(want));
                if (relative > worst)
                {
                    worst = relative;
                    where = $"{column.Column} {test}.{field}: portal {got:R}, scipy {want:R}";
                }
            }
        }

        Console.WriteLine($"results agree with scipy: worst relative difference {worst:E1}{(where.Length > 0 ? $" ({where})" : "")}");
    }

    private static void WriteMatrix(string path, double[][] columns)
    {
        using var stream = File.Create(path);
        foreach (var column in columns)
        {
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(column.AsSpan()));
        }
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string StringArg(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}
