using System.Diagnostics;
using System.Globalization;
using Portal.Analysis.Tests.Drift.FalseAlarms;

namespace Portal.Benchmarks.Drift;

/// <summary>
/// The false-alarm table of docs/statistics.md: the unit tests' healthy-window simulation
/// (tests/Portal.Analysis.Tests/Drift/FalseAlarms, linked here) with more windows, plus the sizes just above the
/// automatic choice's n = 1000 switch where jensenshannon over-alarms on many categories.
/// </summary>
public static class DriftFalseAlarms
{
    public static int Run(string[] args)
    {
        var seed = IngestBenchmark.Option(args, "--seed", 20261204);
        var windows = new Dictionary<int, int>
        {
            [100] = IngestBenchmark.Option(args, "--windows-100", 4000),
            [1000] = IngestBenchmark.Option(args, "--windows-1000", 2000),
            [10000] = IngestBenchmark.Option(args, "--windows-10000", 400),
        };
        var watch = Stopwatch.StartNew();
        var rows = new List<FalseAlarmRates>();
        foreach (var (size, count) in windows)
        {
            rows.AddRange(HealthyDrift.All.Select(c => HealthyDrift.Measure(c, size, count, seed)));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {seed}, α = {HealthyDrift.Alpha}; % of healthy windows flagged as drift at the default thresholds"));
        Console.WriteLine(HealthyDrift.Table(rows));

        var fifty = HealthyDrift.Categorical.Single(c => c.Name == "50 categories, uniform");
        var boundary = new[] { 1001, 1500, 2000, 3000, 5000 }.Select(n => HealthyDrift.Measure(fifty, n, windows[1000], seed)).ToList();
        Console.WriteLine("Automatic choice on 50 uniform categories above n = 1000 (chi2_contingency until n ≥ 40·(k − 1), then jensenshannon):");
        Console.WriteLine(HealthyDrift.Table(boundary));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{watch.Elapsed.TotalSeconds:0} s"));
        return 0;
    }
}
