using Portal.Web.Tests.Experiments;

namespace Portal.Benchmarks.Experiments;

/// <summary>
/// The long mode of the experiment simulations (tests/Portal.Web.Tests/Experiments/ExperimentSimulations.cs, linked):
/// every scenario with more experiments than the CI tests, printed with its seed; exit code 1 when a rate leaves its band.
/// </summary>
public static class ExperimentSimulationBenchmark
{
    public static int Run(string[] args)
    {
        var experiments = Option(args, "--experiments", 10_000);
        var seed = Option(args, "--seed", 20261204);
        var failures = 0;
        void Report(SimulationOutcome outcome, bool exact)
        {
            var high = outcome.Target + (2 * outcome.StandardError);
            var ok = exact ? Math.Abs(outcome.Rate - outcome.Target) <= 2 * outcome.StandardError : outcome.Rate <= high;
            failures += ok ? 0 : 1;
            Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {outcome}");
        }

        var (fixedHorizon, reReading) = ExperimentSimulations.FixedHorizonRunOn(experiments, seed);
        Report(fixedHorizon, exact: true);
        Console.WriteLine($"     {reReading}");
        Report(ExperimentSimulations.ObrienFleming(experiments, seed + 1), exact: true);
        Report(ExperimentSimulations.ConfidenceSequences(experiments, seed + 2, analyses: 200), exact: false);
        var (perUnit, perPrediction) = ExperimentSimulations.Clustered(experiments, seed + 3);
        Report(perUnit, exact: true);
        Console.WriteLine($"     {perPrediction}");
        var (falseStops, detected) = ExperimentSimulations.Guardrails(experiments / 5, seed + 4, analyses: 200);
        Report(falseStops, exact: false);
        Console.WriteLine($"     {detected}");
        var power = ExperimentSimulations.Power(experiments / 5, seed + 5);
        var powerOk = Math.Abs(power.Rate - power.Target) <= 0.05;
        failures += powerOk ? 0 : 1;
        Console.WriteLine($"{(powerOk ? "ok  " : "FAIL")} {power} (band ± 5 points)");
        return failures == 0 ? 0 : 1;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
    }
}
