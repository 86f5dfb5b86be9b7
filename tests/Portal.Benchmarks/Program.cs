// Benchmarks, not tests, one mode per argument: `dotnet run -c Release --project tests/Portal.Benchmarks -- <mode> [options]`.
using Portal.Benchmarks;
using Portal.Benchmarks.Drift;
using Portal.Benchmarks.Estimation;
using Portal.Benchmarks.Experiments;
using Portal.Benchmarks.Fleet;

return args.FirstOrDefault() switch
{
    "drift" => DriftReportBenchmark.Run(args[1..]),
    "drift-false-alarms" => DriftFalseAlarms.Run(args[1..]),
    "cbpe-false-alarms" => CbpeFalseAlarms.Run(args[1..]),
    "ingest" => await IngestBenchmark.RunAsync(args[1..]),
    "health" => await HealthBenchmark.RunAsync(args[1..]),
    "ingest-pg" => await IngestPostgresBenchmark.RunAsync(args[1..]),
    "multivariate" => MultivariateBenchmark.Run(args[1..]),
    "experiments" => ExperimentSimulationBenchmark.Run(args[1..]),
    "first-paint" => await FirstPaintBenchmark.RunAsync(args[1..]),
    "fleet" => await FleetBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Portal.Benchmarks <mode> [options]");
    Console.Error.WriteLine("  drift  [--features 20] [--rows 100000] [--runs 15]");
    Console.Error.WriteLine("         20-feature drift report, 100k x 100k rows, against SciPy on the same data in the same run");
    Console.Error.WriteLine("  drift-false-alarms [--windows-100 4000] [--windows-1000 2000] [--windows-10000 400] [--seed 20261204]");
    Console.Error.WriteLine("         share of healthy (no-drift) windows each drift test flags, the table of docs/statistics.md");
    Console.Error.WriteLine("  cbpe-false-alarms [--references 40] [--windows 50] [--seed 20261204]");
    Console.Error.WriteLine("         share of healthy windows whose CBPE estimate leaves its band, portal vs the old 2-chunk rule (docs/jobs.md)");
    Console.Error.WriteLine("  ingest [--seconds 30] [--half-seconds 15] [--concurrency 4] [--baseline-rows 400000]");
    Console.Error.WriteLine("         batches of 1,000 predictions over loopback HTTP against the real portal; see docs/BENCHMARKS.md");
    Console.Error.WriteLine("  health [--predictions 10000000] [--days 8] [--versions 2] [--raw-hours 24] [--runs 20]");
    Console.Error.WriteLine("         health tab data load on rollups of 10M predictions vs the same aggregates from raw rows, and the page over HTTP");
    Console.Error.WriteLine("  ingest-pg [--seconds 20] [--concurrency 4] [--skip-sqlite]");
    Console.Error.WriteLine("         the same load on SQLite, then PostgreSQL (Debian's, started here) with 1 and with 2 nodes");
    Console.Error.WriteLine("  multivariate [--features 10] [--rows 500] [--permutations 200] [--pca-rows 100000] [--runs 9]");
    Console.Error.WriteLine("         the MMD test on the drift job's capped samples, and the PCA fit and window error on large samples");
    Console.Error.WriteLine("  experiments [--experiments 10000] [--seed 20261204]");
    Console.Error.WriteLine("         A/A and power simulations of the experiment engine (fixed horizon, O'Brien–Fleming, confidence sequences, units, guardrails)");
    Console.Error.WriteLine("  first-paint [--samples 7] [--down-mbit 20] [--up-mbit 5] [--latency-ms 40] [--partial-bundle plotly-cartesian.min.js]");
    Console.Error.WriteLine("         cold-cache time to the first chart of the published portal in Chromium, Plotly served uncompressed, gzip, Brotli, and as the cartesian partial bundle");
    Console.Error.WriteLine("  fleet [--models 1000] [--rate 20000] [--minutes 10] [--browsers 10] [--reference-rows 5000] [--batch-seconds 5]");
    Console.Error.WriteLine("        [--label-percent 30] [--label-delay-seconds 180] [--baseline-minutes 3] [--postgres [--nodes 2]]");
    Console.Error.WriteLine("         many models at once: ingestion, job lag, alert evaluation, page loads, CPU and memory; one model alone as the baseline");
    return 2;
}
