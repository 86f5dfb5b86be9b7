using System.Globalization;
using Portal.Analysis.Experiments;
using Portal.Data.Entities.Experiments;
using Portal.Web.Features.Experiments;

namespace Portal.Web.Tests.Experiments;

/// <summary>How often a simulated decision happened, out of how many experiments, and what it should be near.</summary>
public sealed record SimulationOutcome(string Name, int Seed, int Experiments, int Hits, double Target)
{
    public double Rate => (double)Hits / Experiments;

    /// <summary>Binomial standard error of a rate at <see cref="Target"/> over this many experiments.</summary>
    public double StandardError => Math.Sqrt(Target * (1 - Target) / Experiments);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {Hits}/{Experiments} = {Rate:P2} (target {Target:P1} ± 2 SE = {2 * StandardError:P2}; seed {Seed})");
}

/// <summary>
/// Seeded simulations of the experiment engine, run through <see cref="ExperimentAnalyzer.Analyze"/> (the code the
/// analysis job runs, look bookkeeping included) in-process. Used by the fast tests (ExperimentSimulationTests.cs)
/// and, with more experiments, by <c>Portal.Benchmarks experiments</c> (the file is linked there).
/// An experiment counts as a false positive when any analysis declared the primary significant (or, for guardrails,
/// any analysis breached one).
/// </summary>
public static class ExperimentSimulations
{
    private static readonly DateTime At = new(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A/A, fixed horizon, analysed every quarter of the plan and left running to 2× the plan.</summary>
    public static (SimulationOutcome Engine, SimulationOutcome ReReading) FixedHorizonRunOn(int experiments, int seed, int required = 400)
    {
        var random = new Random(seed);
        int hits = 0, naive = 0;
        var plan = Plan(ExperimentAnalysisMode.FixedHorizon, required);
        for (var e = 0; e < experiments; e++)
        {
            var data = new ExperimentData();
            var looks = new List<RecordedLook>();
            bool hit = false, naiveHit = false;
            for (var k = 1; k <= 8; k++)
            {
                AddNormal(data, random, required / 4, 0);
                var result = Analyse(plan, data, looks);
                hit |= result.ArmVerdicts[0].PrimarySignificant;

                // What the old build did: read the p-value again at every analysis once the plan is reached.
                naiveHit |= k >= 4 && result.Metrics[0].Comparisons[0].PValue < plan.Alpha;
            }

            hits += hit ? 1 : 0;
            naive += naiveHit ? 1 : 0;
        }

        return (new SimulationOutcome("fixed horizon, 8 analyses to 2× the plan", seed, experiments, hits, 0.05),
                new SimulationOutcome("re-reading p at each analysis past the plan (old behaviour)", seed, experiments, naive, 0.05));
    }

    /// <summary>A/A, O'Brien–Fleming with 5 planned looks, analysed every tenth of the plan.</summary>
    public static SimulationOutcome ObrienFleming(int experiments, int seed, int required = 400)
    {
        var random = new Random(seed);
        var hits = 0;
        var plan = Plan(ExperimentAnalysisMode.GroupSequential, required, looks: 5);
        for (var e = 0; e < experiments; e++)
        {
            var data = new ExperimentData();
            var looks = new List<RecordedLook>();
            var hit = false;
            for (var k = 1; k <= 10; k++)
            {
                AddNormal(data, random, required / 10, 0);
                hit |= Analyse(plan, data, looks).ArmVerdicts[0].PrimarySignificant;
            }

            hits += hit ? 1 : 0;
        }

        return new SimulationOutcome("O'Brien–Fleming, 5 looks, 10 analyses", seed, experiments, hits, 0.05);
    }

    /// <summary>A/A, always valid, analysed <paramref name="analyses"/> times (every 5 minutes) up to 2× the plan.</summary>
    public static SimulationOutcome ConfidenceSequences(int experiments, int seed, int analyses = 100, int required = 400)
    {
        var random = new Random(seed);
        var hits = 0;
        var plan = Plan(ExperimentAnalysisMode.Sequential, required);
        var perAnalysis = Math.Max(1, 2 * required / analyses);
        for (var e = 0; e < experiments; e++)
        {
            var data = new ExperimentData();
            var hit = false;
            for (var k = 1; k <= analyses && !hit; k++)
            {
                AddNormal(data, random, perAnalysis, 0);
                hit = Analyse(plan, data, []).ArmVerdicts[0].PrimarySignificant;
            }

            hits += hit ? 1 : 0;
        }

        return new SimulationOutcome($"confidence sequences, {analyses} analyses to 2× the plan", seed, experiments, hits, 0.05);
    }

    /// <summary>
    /// A/A with users randomised and each sending 1–50 predictions with a user-specific error propensity; error rate
    /// read once at the plan, aggregated per user (ratio, delta method) and, for contrast, per prediction.
    /// </summary>
    public static (SimulationOutcome PerUnit, SimulationOutcome PerPrediction) Clustered(int experiments, int seed, int usersPerArm = 300)
    {
        var random = new Random(seed);
        int perUnit = 0, perPrediction = 0;
        var metric = new MetricPlan("errors", MetricRole.Primary, MetricKind.ErrorRate, false);
        for (var e = 0; e < experiments; e++)
        {
            var units = new ExperimentData();
            var predictions = new ExperimentData();
            foreach (var arm in new[] { "control", "treatment" })
            {
                for (var u = 0; u < usersPerArm; u++)
                {
                    var count = random.Next(1, 51);

                    // Propensity: most users rarely fail, a few fail often (mean 5 %).
                    var propensity = random.NextDouble() < 0.1 ? 0.3 + (0.2 * random.NextDouble()) : 0.015 * random.NextDouble();
                    var errors = 0;
                    for (var i = 0; i < count; i++)
                    {
                        var failed = random.NextDouble() < propensity;
                        errors += failed ? 1 : 0;
                        predictions.Sample("errors", arm).Add(failed ? 1 : 0);
                    }

                    units.Sample("errors", arm).AddUnit(errors, count);
                }
            }

            perUnit += Analyse(Plan(ExperimentAnalysisMode.FixedHorizon, usersPerArm, metric), units, []).ArmVerdicts[0].PrimarySignificant ? 1 : 0;
            perPrediction += Analyse(Plan(ExperimentAnalysisMode.FixedHorizon, 1, metric), predictions, []).ArmVerdicts[0].PrimarySignificant ? 1 : 0;
        }

        return (new SimulationOutcome("clustered users, per-unit ratio (delta method)", seed, experiments, perUnit, 0.05),
                new SimulationOutcome("clustered users, per prediction", seed, experiments, perPrediction, 0.05));
    }

    /// <summary>
    /// Guardrails read at <paramref name="analyses"/> analyses: an A/A error rate of 5 % when the absolute bound is 1 %
    /// (control already past it; margin 10 %), and a treatment with 9× control's 1 % error rate under a 20 % bound
    /// and a 50 % margin (control far inside the bound).
    /// </summary>
    public static (SimulationOutcome FalseStops, SimulationOutcome Detected) Guardrails(int experiments, int seed, int analyses = 200, int perAnalysis = 10)
    {
        var random = new Random(seed);
        int falseStops = 0, detected = 0;
        var pastBound = GuardrailPlan(bound: 0.01, margin: 0.1);
        var insideBound = GuardrailPlan(bound: 0.2, margin: 0.5);
        for (var e = 0; e < experiments; e++)
        {
            var aa = new ExperimentData();
            var harmful = new ExperimentData();
            bool stopped = false, caught = false;
            for (var k = 1; k <= analyses && !(stopped && caught); k++)
            {
                foreach (var arm in new[] { "control", "treatment" })
                {
                    for (var i = 0; i < perAnalysis; i++)
                    {
                        aa.Sample("value", arm).Add(random.NextDouble());
                        aa.Sample("errors", arm).Add(random.NextDouble() < 0.05 ? 1 : 0);
                        harmful.Sample("value", arm).Add(random.NextDouble());
                        harmful.Sample("errors", arm).Add(random.NextDouble() < (arm == "control" ? 0.01 : 0.09) ? 1 : 0);
                    }
                }

                stopped |= !stopped && Analyse(pastBound, aa, []).Guardrails.Any(g => g.Status == "breached");
                caught |= !caught && Analyse(insideBound, harmful, []).Guardrails.Any(g => g.Status == "breached");
            }

            falseStops += stopped ? 1 : 0;
            detected += caught ? 1 : 0;
        }

        return (new SimulationOutcome($"guardrail false stops, control past the bound, {analyses} analyses", seed, experiments, falseStops, 0.05),
                new SimulationOutcome($"guardrail catches 9× error rate, control inside the bound, {analyses} analyses", seed, experiments, detected, 1.0));
    }

    /// <summary>Power of the fixed horizon for a true effect equal to the MDE (conversion 20 % → 22 %, planned power 80 %).</summary>
    public static SimulationOutcome Power(int experiments, int seed)
    {
        var random = new Random(seed);
        var required = ExperimentStatistics.SampleSizePerVariant(0.2, 0.1, 0.8, 0.05);
        var plan = Plan(ExperimentAnalysisMode.FixedHorizon, required, new MetricPlan("conversion", MetricRole.Primary, MetricKind.Conversion, true));
        var hits = 0;
        for (var e = 0; e < experiments; e++)
        {
            var data = new ExperimentData();
            foreach (var (arm, rate) in new[] { ("control", 0.2), ("treatment", 0.22) })
            {
                var sample = data.Sample("conversion", arm);
                for (var i = 0; i < required; i++)
                {
                    sample.Add(random.NextDouble() < rate ? 1 : 0);
                }
            }

            hits += Analyse(plan, data, []).Verdict == VerdictKind.Ship ? 1 : 0;
        }

        return new SimulationOutcome($"power at the MDE, fixed horizon ({required} per arm)", seed, experiments, hits, 0.8);
    }

    private static ExperimentResult Analyse(AnalysisPlan plan, ExperimentData data, List<RecordedLook> looks)
    {
        var result = ExperimentAnalyzer.Analyze(plan, data, looks, At);
        if (result.Sequential.ThisLook is { } look)
        {
            looks.Add(look);
        }

        return result;
    }

    private static void AddNormal(ExperimentData data, Random random, int perArm, double effect)
    {
        foreach (var arm in new[] { "control", "treatment" })
        {
            var sample = data.Sample("value", arm);
            for (var i = 0; i < perArm; i++)
            {
                var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                sample.Add(10 + (arm == "treatment" ? effect : 0) + (2 * normal));
            }
        }
    }

    private static AnalysisPlan Plan(ExperimentAnalysisMode mode, long required, MetricPlan? primary = null, int looks = 1) => new(
        "sim",
        [new ArmPlan("control", "v1", 50, true), new ArmPlan("treatment", "v2", 50, false)],
        [primary ?? new MetricPlan("value", MetricRole.Primary, MetricKind.Continuous, true)],
        0.05,
        required,
        looks,
        mode);

    private static AnalysisPlan GuardrailPlan(double bound, double margin) => new(
        "sim-guardrail",
        [new ArmPlan("control", "v1", 50, true), new ArmPlan("treatment", "v2", 50, false)],
        [
            new MetricPlan("value", MetricRole.Primary, MetricKind.Continuous, true),
            new MetricPlan("errors", MetricRole.Guardrail, MetricKind.ErrorRate, false, bound, margin),
        ],
        0.05,
        1_000_000,
        1,
        ExperimentAnalysisMode.Sequential);
}
