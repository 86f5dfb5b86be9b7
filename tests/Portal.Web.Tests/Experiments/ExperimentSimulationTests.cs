using Xunit.Abstractions;

namespace Portal.Web.Tests.Experiments;

/// <summary>
/// The promised error rates of the experiment engine, by seeded simulation through the analyzer (fast sizes; the
/// benchmark command <c>Portal.Benchmarks experiments</c> runs the same with ten times more experiments). Each test
/// prints its rates with the seed. Bands: α ± 2 binomial standard errors where the method is exact
/// (fixed horizon, O'Brien–Fleming, per-unit ratio), at most α + 2 SE where it is conservative by construction
/// (confidence sequences, one-sided always-valid guardrails).
/// Each simulation is its own class so that xunit runs them in parallel.
/// </summary>
public static class SimulationBands
{
    public const int Experiments = 1_000;

    public static void AssertWithinTwoSe(SimulationOutcome outcome) =>
        Assert.True(Math.Abs(outcome.Rate - outcome.Target) <= 2 * outcome.StandardError, outcome.ToString());

    public static void AssertAtMostTwoSeAbove(SimulationOutcome outcome) =>
        Assert.True(outcome.Rate <= outcome.Target + (2 * outcome.StandardError), outcome.ToString());
}

public sealed class FixedHorizonSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void A_fixed_horizon_left_running_to_twice_the_plan_keeps_alpha_because_it_is_read_once()
    {
        var (engine, reReading) = ExperimentSimulations.FixedHorizonRunOn(SimulationBands.Experiments, seed: 1501);
        output.WriteLine(engine.ToString());
        output.WriteLine(reReading.ToString());
        SimulationBands.AssertWithinTwoSe(engine);
        Assert.True(reReading.Rate > engine.Target + (2 * engine.StandardError), "re-reading the p-value on new data inflates false positives: " + reReading);
    }
}

public sealed class ObrienFlemingSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Obrien_fleming_with_five_looks_keeps_alpha_over_ten_analyses()
    {
        var outcome = ExperimentSimulations.ObrienFleming(SimulationBands.Experiments, seed: 1502);
        output.WriteLine(outcome.ToString());
        SimulationBands.AssertWithinTwoSe(outcome);
    }
}

public sealed class ConfidenceSequenceSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Confidence_sequences_keep_alpha_when_analysed_every_five_minutes()
    {
        var outcome = ExperimentSimulations.ConfidenceSequences(SimulationBands.Experiments, seed: 1503, analyses: 100);
        output.WriteLine(outcome.ToString());
        SimulationBands.AssertAtMostTwoSeAbove(outcome);
    }
}

public sealed class ClusteredUnitsSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Clustered_predictions_keep_alpha_per_unit_and_not_per_prediction()
    {
        var (perUnit, perPrediction) = ExperimentSimulations.Clustered(SimulationBands.Experiments, seed: 1504);
        output.WriteLine(perUnit.ToString());
        output.WriteLine(perPrediction.ToString());
        SimulationBands.AssertWithinTwoSe(perUnit);
        Assert.True(perPrediction.Rate > perPrediction.Target + (4 * perPrediction.StandardError), "per prediction underestimates the variance: " + perPrediction);
    }
}

public sealed class GuardrailSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Guardrails_analysed_two_hundred_times_neither_stop_falsely_nor_miss_a_ninefold_error_rate()
    {
        var (falseStops, detected) = ExperimentSimulations.Guardrails(200, seed: 1505, analyses: 200);
        output.WriteLine(falseStops.ToString());
        output.WriteLine(detected.ToString());
        SimulationBands.AssertAtMostTwoSeAbove(falseStops);
        Assert.True(detected.Rate >= 0.95, detected.ToString());
    }
}

public sealed class PowerSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Power_at_the_mde_is_the_planned_power_within_five_points()
    {
        var outcome = ExperimentSimulations.Power(500, seed: 1506);
        output.WriteLine(outcome.ToString());
        Assert.InRange(outcome.Rate, outcome.Target - 0.05, outcome.Target + 0.05);
    }
}
