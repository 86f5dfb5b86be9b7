using MathNet.Numerics.Distributions;
using Portal.Analysis.Common;
using Portal.Analysis.Experiments;

namespace Portal.Analysis.Tests.Advanced;

public class VerdictTests
{
    /// <summary>A healthy experiment at its planned sample with a clearly better primary metric.</summary>
    internal static VerdictInput Input() => new(
        Primary: new MetricComparison("conversion", 0.012, 0.004, 0.020, 0.003),
        Secondary: [],
        Guardrails: [new Guardrail(new MetricComparison("latency p95 ms", 1.0, -2.0, 4.0, 0.5, HigherIsBetter: false), MaxDegradation: 10)],
        Srm: new SrmResult(0.4, 0.53, false),
        SampleCounts: [10_000, 10_050],
        RequiredPerVariant: 10_000);

    [Fact]
    public void Significant_improvement_at_the_planned_sample_ships()
    {
        var v = ExperimentVerdicts.Decide(Input());
        Assert.Equal(VerdictKind.Ship, v.Kind);
        Assert.True(v.PrimarySignificant);
        Assert.Equal(0, v.AdditionalSamplePerVariant);
        Assert.StartsWith("Primary 'conversion' improved", v.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Significant_harm_reverts_and_lower_is_better_metrics_are_read_the_right_way()
    {
        var worse = Input() with { Primary = new MetricComparison("conversion", -0.012, -0.02, -0.004, 0.003) };
        Assert.Equal(VerdictKind.Revert, ExperimentVerdicts.Decide(worse).Kind);

        var fasterLatency = Input() with { Primary = new MetricComparison("latency", -5, -8, -2, 0.001, HigherIsBetter: false) };
        Assert.Equal(VerdictKind.Ship, ExperimentVerdicts.Decide(fasterLatency).Kind);
    }

    [Fact]
    public void Sample_ratio_mismatch_blocks_the_verdict_even_with_a_significant_primary()
    {
        var v = ExperimentVerdicts.Decide(Input() with { Srm = new SrmResult(31.2, 2.3e-8, true), SampleCounts = [10_000, 10_800] });
        Assert.Equal(VerdictKind.Stop, v.Kind);
        Assert.False(v.PrimarySignificant);
        Assert.Contains("Sample ratio mismatch", v.Reasons[0], StringComparison.Ordinal);
        Assert.Contains("10000 / 10800", v.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Guardrail_breach_stops_the_experiment_even_with_a_significant_primary()
    {
        var latency = new MetricComparison("latency p95 ms", 25.0, 15.0, 35.0, 1e-6, HigherIsBetter: false);
        var v = ExperimentVerdicts.Decide(Input() with { Guardrails = [new Guardrail(latency, MaxDegradation: 10)] });
        Assert.Equal(VerdictKind.Stop, v.Kind);
        Assert.Contains("Guardrail 'latency p95 ms' breached", v.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Guardrail_harm_within_its_bound_or_not_significant_does_not_stop()
    {
        // Significantly worse, but by less than the allowed 10 ms.
        var smallHarm = new MetricComparison("latency p95 ms", 4.0, 1.0, 7.0, 0.01, HigherIsBetter: false);
        Assert.Equal(VerdictKind.Ship, ExperimentVerdicts.Decide(Input() with { Guardrails = [new Guardrail(smallHarm, 10)] }).Kind);

        // Estimated beyond the bound but not significant: ships with a caution.
        var noisy = new MetricComparison("latency p95 ms", 12.0, -3.0, 27.0, 0.2, HigherIsBetter: false);
        var v = ExperimentVerdicts.Decide(Input() with { Guardrails = [new Guardrail(noisy, 10)] });
        Assert.Equal(VerdictKind.Ship, v.Kind);
        Assert.Contains(v.Reasons, r => r.Contains("not yet shown within its bound", StringComparison.Ordinal));
    }

    [Fact]
    public void Fixed_horizon_before_the_planned_sample_keeps_running_with_the_sample_still_needed()
    {
        var v = ExperimentVerdicts.Decide(Input() with { SampleCounts = [6_000, 6_200] });
        Assert.Equal(VerdictKind.KeepRunning, v.Kind);
        Assert.Equal(4_000, v.AdditionalSamplePerVariant);
        Assert.False(v.PrimarySignificant);
        Assert.Contains("4000 more units per variant", v.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void No_effect_at_the_planned_sample_reverts_to_control()
    {
        var v = ExperimentVerdicts.Decide(Input() with { Primary = new MetricComparison("conversion", 0.001, -0.006, 0.008, 0.78) });
        Assert.Equal(VerdictKind.Revert, v.Kind);
        Assert.False(v.PrimarySignificant);
        Assert.Contains("no significant effect", v.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Sequential_look_acts_on_a_crossed_boundary_early_and_keeps_running_otherwise()
    {
        var boundaries = GroupSequential.ObrienFlemingBoundaries([0.2, 0.4, 0.6, 0.8, 1.0]);
        var early = Input() with { SampleCounts = [4_000, 4_010] };

        var crossed = ExperimentVerdicts.Decide(early with { Sequential = new SequentialLook(boundaries[1], 3.6, false) });
        Assert.Equal(VerdictKind.Ship, crossed.Kind);

        // p = 0.003 (z ≈ 2.97) would pass a naive test but not the 3.357 boundary of look 2.
        var notCrossed = ExperimentVerdicts.Decide(early with { Sequential = new SequentialLook(boundaries[1], 2.97, false) });
        Assert.Equal(VerdictKind.KeepRunning, notCrossed.Kind);
        Assert.Equal(6_000, notCrossed.AdditionalSamplePerVariant);

        var finalNoEffect = ExperimentVerdicts.Decide(Input() with { Sequential = new SequentialLook(boundaries[4], 1.99, true) });
        Assert.Equal(VerdictKind.Revert, finalNoEffect.Kind);
    }

    [Fact]
    public void Verdict_rejects_bad_inputs_naming_the_field()
    {
        Assert.Equal("primary.pValue", Assert.Throws<AnalysisInputException>(() => ExperimentVerdicts.Decide(Input() with { Primary = new MetricComparison("x", 1, 0, 2, double.NaN) })).Field);
        Assert.Equal("sampleCounts", Assert.Throws<AnalysisInputException>(() => ExperimentVerdicts.Decide(Input() with { SampleCounts = [100] })).Field);
        Assert.Equal("guardrails[0].maxDegradation", Assert.Throws<AnalysisInputException>(() => ExperimentVerdicts.Decide(Input() with { Guardrails = [new Guardrail(Input().Primary, -1)] })).Field);
    }
}

/// <summary>
/// A/A simulations: 1,000 seeded experiments with no true difference, 5 looks of 100 units per arm each.
/// The false-positive rate must lie in the binomial 99% band around α = 0.05 for a single final look and for
/// five peeks under the O'Brien–Fleming boundaries, while naive peeking at p &lt; 0.05 inflates it.
/// </summary>
public class AaSimulationTests
{
    private const int Experiments = 1_000;
    private const int Looks = 5;
    private const int PerLookPerArm = 100;
    private static readonly Lazy<(int Final, int Sequential, int Naive)> Counts = new(Simulate);

    private static (int Low, int High) Band()
    {
        var binomial = new Binomial(0.05, Experiments);
        int low = 0, high = 0;
        for (var k = 0; k <= Experiments; k++)
        {
            var cdf = binomial.CumulativeDistribution(k);
            if (cdf < 0.005)
            {
                low = k + 1;
            }

            if (cdf < 0.995)
            {
                high = k + 1;
            }
        }

        return (low, high);
    }

    [Fact]
    public void Single_final_look_keeps_the_false_positive_rate_at_alpha()
    {
        var (low, high) = Band();
        Assert.InRange(Counts.Value.Final, low, high);
    }

    [Fact]
    public void Five_peeks_under_obrien_fleming_boundaries_keep_the_false_positive_rate_at_alpha()
    {
        var (low, high) = Band();
        Assert.InRange(Counts.Value.Sequential, low, high);
    }

    [Fact]
    public void Naive_peeking_at_alpha_five_times_inflates_the_false_positive_rate()
    {
        var (_, high) = Band();
        Assert.True(Counts.Value.Naive > high, $"naive peeking gave {Counts.Value.Naive} false positives, band upper end {high}");
        Assert.True(Counts.Value.Naive > Counts.Value.Sequential);
    }

    private static (int Final, int Sequential, int Naive) Simulate()
    {
        var boundaries = GroupSequential.ObrienFlemingBoundaries([0.2, 0.4, 0.6, 0.8, 1.0]);
        var single = GroupSequential.ObrienFlemingBoundaries([1.0])[0];
        var random = new Seeded(20240607);
        int final = 0, sequential = 0, naive = 0;
        var control = new List<double>(Looks * PerLookPerArm);
        var treatment = new List<double>(Looks * PerLookPerArm);
        for (var e = 0; e < Experiments; e++)
        {
            control.Clear();
            treatment.Clear();
            bool sequentialHit = false, naiveHit = false;
            for (var look = 0; look < Looks; look++)
            {
                for (var i = 0; i < PerLookPerArm; i++)
                {
                    control.Add(random.Normal(10, 2));
                    treatment.Add(random.Normal(10, 2));
                }

                var n = control.Count;
                var welch = WelchCore.Test(control, treatment, 0.05, "control", "treatment");
                var metric = new MetricComparison("metric", welch.Difference, welch.CiLow, welch.CiHigh, welch.PValue);
                var z = Math.Sign(welch.T) * Normal.InvCDF(0, 1, 1 - welch.PValue / 2);
                var input = new VerdictInput(metric, [], [], new SrmResult(0, 1, false), [n, n], Looks * PerLookPerArm);

                if (!sequentialHit)
                {
                    var v = ExperimentVerdicts.Decide(input with { Sequential = new SequentialLook(boundaries[look], z, look == Looks - 1) });
                    sequentialHit = v.PrimarySignificant;
                }

                naiveHit |= welch.PValue < 0.05;
                if (look == Looks - 1)
                {
                    // Fixed horizon: the verdict reads the p-value only now; equivalently the single-look boundary.
                    var v = ExperimentVerdicts.Decide(input);
                    Assert.Equal(v.PrimarySignificant, GroupSequential.Crossed(single, z));
                    final += v.PrimarySignificant ? 1 : 0;
                }
            }

            sequential += sequentialHit ? 1 : 0;
            naive += naiveHit ? 1 : 0;
        }

        return (final, sequential, naive);
    }
}
