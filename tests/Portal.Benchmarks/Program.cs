using Portal.Benchmarks.Drift;

// Benchmarks, not tests: run in Release, e.g. `dotnet run -c Release --project tests/Portal.Benchmarks -- drift`.
var mode = args.Length > 0 ? args[0] : "";
return mode switch
{
    "drift" => DriftReportBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Portal.Benchmarks <mode> [options]\n  drift   20-feature drift report, 100k x 100k rows, vs SciPy in the same run");
    return 2;
}
