using System.Diagnostics;
using System.Globalization;
using Portal.Analysis.Tests.Estimation;

namespace Portal.Benchmarks.Estimation;

/// <summary>
/// The CBPE false-alarm table of docs/jobs.md: the unit tests' healthy-window simulation
/// (tests/Portal.Analysis.Tests/Estimation/HealthyCbpe.cs, linked here) with more references and windows, for the
/// portal's bands and for the rule before issue #22 (chunks of about the window's size, at most half the reference).
/// </summary>
public static class CbpeFalseAlarms
{
    private static readonly (int Reference, int Window)[] Sizes = [(2000, 500), (2000, 5000), (5000, 500), (5000, 5000), (40000, 500), (40000, 5000)];

    public static int Run(string[] args)
    {
        var seed = IngestBenchmark.Option(args, "--seed", HealthyCbpe.Seed);
        var references = IngestBenchmark.Option(args, "--references", 40);
        var windows = IngestBenchmark.Option(args, "--windows", 50);
        var watch = Stopwatch.StartNew();
        var portal = Sizes.Select(s => HealthyCbpe.Measure(s.Reference, s.Window, references, windows, seed)).ToList();
        var old = Sizes.Select(s => HealthyCbpe.Measure(s.Reference, s.Window, references, windows, seed, OldChunkSize)).ToList();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {seed}, {references} references × {windows} healthy windows each; % of windows whose estimate left its band"));
        Console.WriteLine("Portal (reference estimate ± 3σ·√(m/n + m/N), chunks of max(50, N/20)):");
        Console.WriteLine(HealthyCbpe.Table(portal));
        Console.WriteLine("Before issue #22 (chunk = largest power of two ≤ n, at most N/2; band = chunk mean ± 3σ):");
        Console.WriteLine(HealthyCbpe.Table(old));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{watch.Elapsed.TotalSeconds:0} s"));
        return 0;
    }

    private static int OldChunkSize(int referenceRows, int windowRows)
    {
        var chunk = 16;
        while (chunk * 2 <= windowRows)
        {
            chunk *= 2;
        }

        return Math.Min(chunk, referenceRows / 2);
    }
}
