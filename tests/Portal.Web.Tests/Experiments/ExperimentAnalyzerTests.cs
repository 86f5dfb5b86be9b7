using Portal.Analysis.Experiments;
using Portal.Data.Entities.Experiments;
using Portal.Web.Features.Experiments;

namespace Portal.Web.Tests.Experiments;

/// <summary>The analyzer's own rules (multi-arm correction, winner choice) and the chart mapping of stored analyses.</summary>
public sealed class ExperimentAnalyzerTests
{
    private static readonly DateTime At = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    private static AnalysisPlan Plan(params string[] treatments) => new(
        "multi",
        [new ArmPlan("control", "v1", 100.0 / (treatments.Length + 1), true), .. treatments.Select(t => new ArmPlan(t, t, 100.0 / (treatments.Length + 1), false))],
        [new MetricPlan("conversion", MetricRole.Primary, MetricKind.Conversion, true)],
        0.05,
        100,
        1);

    private static void Conversions(ExperimentData data, string arm, int units, int successes)
    {
        var sample = data.Sample("conversion", arm);
        for (var i = 0; i < units; i++)
        {
            sample.Add(i < successes ? 1 : 0);
        }
    }

    [Fact]
    public void With_two_treatments_each_comparison_uses_half_alpha_and_the_best_significant_arm_ships()
    {
        var data = new ExperimentData();
        Conversions(data, "control", 400, 120);
        Conversions(data, "b", 400, 200);  // far better
        Conversions(data, "c", 400, 148);  // p = 0.036: between 0.025 and 0.05
        var result = ExperimentAnalyzer.Analyze(Plan("b", "c"), data, [], At);

        var c = result.Metrics[0].Comparisons.Single(x => x.Arm == "c");
        var expected = ExperimentStatistics.TwoProportions(new Proportion(120, 400), new Proportion(148, 400), 0.025);
        Assert.InRange(expected.PValue, 0.025, 0.05);
        Assert.Equal(expected.CiLow, c.CiLow!.Value, 12);
        Assert.False(c.Significant);
        Assert.Equal("revert", result.ArmVerdicts.Single(v => v.Arm == "c").Verdict);
        Assert.Equal("ship", result.Verdict);
        Assert.Equal("b", result.WinningArm);
        Assert.StartsWith("[b] Primary 'conversion' improved", result.Reasons[0], StringComparison.Ordinal);
        Assert.Contains(result.Reasons, r => r.StartsWith("[c] revert", StringComparison.Ordinal));
    }

    [Fact]
    public void No_data_keeps_running_and_one_empty_arm_says_which()
    {
        var empty = ExperimentAnalyzer.Analyze(Plan("b"), new ExperimentData(), [], At);
        Assert.Equal("keepRunning", empty.Verdict);
        Assert.Null(empty.Srm);
        Assert.Equal(100, empty.StillNeededPerVariant);

        var data = new ExperimentData();
        Conversions(data, "control", 10, 3);
        var oneSided = ExperimentAnalyzer.Analyze(Plan("b"), data, [], At);
        Assert.Equal("No data yet in b.", oneSided.Metrics[0].Comparisons[0].Note);
    }

    [Fact]
    public void Charts_draw_lift_in_percent_per_arm_and_the_planned_boundary_at_alpha_per_comparison()
    {
        var points = new List<ExperimentCharts.AnalysisPoint>
        {
            new(At, 0.1, null, [new PrimaryPoint("b", 10, null, null, null, null, null, null, null)]),
            new(At.AddMinutes(5), 0.2, 1, [new PrimaryPoint("b", 20, 0.02, 0.01, 0.03, 0.1, 0.05, 0.15, 2.1)]),
        };
        var lift = ExperimentCharts.Lift(points).Single();
        Assert.Equal([At.AddMinutes(5)], lift.At);
        Assert.Equal(10, lift.Lift[0], 12);
        Assert.Equal((5.0, 15.0), (lift.Low[0], lift.High[0]));

        var data = new ExperimentData();
        Conversions(data, "control", 50, 10);
        Conversions(data, "b", 50, 15);
        Conversions(data, "c", 50, 12);
        var plan = Plan("b", "c") with { Looks = 4 };
        var result = ExperimentAnalyzer.Analyze(plan, data, [], At);
        var sequential = ExperimentCharts.Sequential(result, points, 0.05);
        Assert.Equal([0.25, 0.5, 0.75, 1.0], sequential.BoundaryFractions);
        var expected = GroupSequential.ObrienFlemingBoundaries([0.25, 0.5, 0.75, 1.0], 0.025);
        Assert.Equal(expected.Select(b => b.Z), sequential.BoundaryZ);
        Assert.Equal(["b", "c"], sequential.Arms.Select(a => a.Arm));
        Assert.Equal([0.2], sequential.Arms[0].Fraction);
        Assert.Single(sequential.Arms[0].LookFraction);
    }
}
