using MathNet.Numerics.Distributions;
using Portal.Data.Entities.Experiments;
using Portal.Web.Features.Experiments;

namespace Portal.Web.Tests.Experiments;

/// <summary>
/// A/A simulations through <see cref="ExperimentAnalyzer"/>, the code the analysis job runs, with its look bookkeeping:
/// 1,000 seeded experiments without a true difference, each analysed 10 times on its way to the planned sample
/// (as the job does every few minutes). Counting an experiment as a false positive when any analysis declared the
/// primary metric significant, the rate must stay in the binomial 99 % band around α for O'Brien–Fleming looks (5)
/// and for a fixed horizon (1 look), while acting on the raw p-value at every analysis inflates it.
/// The statistics library's own A/A tests (tests/Portal.Analysis.Tests/Advanced) check the boundaries themselves;
/// these check that the job's wiring (looks at planned fractions, carrying the last look between them) keeps them.
/// </summary>
public sealed class AaSimulationThroughAnalyzerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Experiments = 1_000;
    private const int Analyses = 10;
    private const int Required = 500;
    private static readonly Lazy<(int Sequential, int Fixed, int Naive)> Counts = new(Simulate);

    [Fact]
    public void Analysing_every_tenth_of_the_sample_with_five_obrien_fleming_looks_keeps_the_false_positive_rate_at_alpha()
    {
        var (low, high) = Band();
        output.WriteLine($"false positives of {Experiments}: sequential {Counts.Value.Sequential}, fixed {Counts.Value.Fixed}, naive {Counts.Value.Naive}; band {low}..{high}");
        Assert.InRange(Counts.Value.Sequential, low, high);
    }

    [Fact]
    public void Analysing_every_tenth_of_the_sample_with_a_fixed_horizon_keeps_the_false_positive_rate_at_alpha()
    {
        var (low, high) = Band();
        Assert.InRange(Counts.Value.Fixed, low, high);
    }

    [Fact]
    public void Acting_on_the_raw_p_value_at_every_analysis_would_inflate_the_false_positive_rate()
    {
        var (_, high) = Band();
        Assert.True(Counts.Value.Naive > high, $"naive peeking: {Counts.Value.Naive} false positives, band upper end {high}");
    }

    private static (int Low, int High) Band()
    {
        var binomial = new Binomial(0.05, Experiments);
        int low = 0, high = 0;
        for (var k = 0; k <= Experiments; k++)
        {
            var cdf = binomial.CumulativeDistribution(k);
            low = cdf < 0.005 ? k + 1 : low;
            high = cdf < 0.995 ? k + 1 : high;
        }

        return (low, high);
    }

    private static AnalysisPlan Plan(int looks) => new(
        "aa",
        [new ArmPlan("control", "v1", 50, true), new ArmPlan("treatment", "v2", 50, false)],
        [new MetricPlan("value", MetricRole.Primary, MetricKind.Continuous, true)],
        0.05,
        Required,
        looks);

    private static (int Sequential, int Fixed, int Naive) Simulate()
    {
        var random = new Random(20261124);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        int sequential = 0, fixedHorizon = 0, naive = 0;
        var at = new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc);
        for (var e = 0; e < Experiments; e++)
        {
            var data = new ExperimentData();
            var looks = new List<RecordedLook>();
            bool sequentialHit = false, fixedHit = false, naiveHit = false;
            for (var a = 1; a <= Analyses; a++)
            {
                foreach (var arm in new[] { "control", "treatment" })
                {
                    var sample = data.Sample("value", arm);
                    for (var i = 0; i < Required / Analyses; i++)
                    {
                        sample.Add(10 + (2 * Normal()));
                    }
                }

                var result = ExperimentAnalyzer.Analyze(Plan(5), data, looks, at);
                if (result.Sequential.ThisLook is { } look)
                {
                    looks.Add(look);
                }

                sequentialHit |= result.ArmVerdicts[0].PrimarySignificant;
                var single = ExperimentAnalyzer.Analyze(Plan(1), data, [], at);
                fixedHit |= single.ArmVerdicts[0].PrimarySignificant;
                naiveHit |= result.Metrics[0].Comparisons[0].PValue < 0.05;
            }

            Assert.Equal(5, looks.Count);
            sequential += sequentialHit ? 1 : 0;
            fixedHorizon += fixedHit ? 1 : 0;
            naive += naiveHit ? 1 : 0;
        }

        return (sequential, fixedHorizon, naive);
    }
}
