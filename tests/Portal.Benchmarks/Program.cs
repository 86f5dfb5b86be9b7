// Benchmarks, one mode per argument: `dotnet run -c Release --project tests/Portal.Benchmarks -- <mode> [options]`.
using Portal.Benchmarks;

return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Portal.Benchmarks <mode> [options]");
    Console.Error.WriteLine("  ingest [--seconds 30] [--half-seconds 15] [--concurrency 4] [--baseline-rows 400000]");
    Console.Error.WriteLine("         batches of 1,000 predictions over loopback HTTP against the real portal; see docs/BENCHMARKS.md");
    return 2;
}
