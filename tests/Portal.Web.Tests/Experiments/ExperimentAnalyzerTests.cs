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
        Assert.Equal(VerdictKind.Revert, result.ArmVerdicts.Single(v => v.Arm == "c").Verdict);
        Assert.Equal(VerdictKind.Ship, result.Verdict);
        Assert.Equal("b", result.WinningArm);
        Assert.StartsWith("[b] Primary 'conversion' improved", result.Reasons[0], StringComparison.Ordinal);
        Assert.Contains(result.Reasons, r => r.StartsWith("[c] revert", StringComparison.Ordinal));
    }

    [Fact]
    public void No_data_keeps_running_and_one_empty_arm_says_which()
    {
        var empty = ExperimentAnalyzer.Analyze(Plan("b"), new ExperimentData(), [], At);
        Assert.Equal(VerdictKind.KeepRunning, empty.Verdict);
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
        Assert.NotNull(sequential);
        Assert.Equal([0.25, 0.5, 0.75, 1.0], sequential.BoundaryFractions);
        var expected = GroupSequential.ObrienFlemingBoundaries([0.25, 0.5, 0.75, 1.0], 0.025);
        Assert.Equal(expected.Select(b => b.Z), sequential.BoundaryZ);
        Assert.Equal(["b", "c"], sequential.Arms.Select(a => a.Arm));
        Assert.Equal([0.2], sequential.Arms[0].Fraction);
        Assert.Single(sequential.Arms[0].LookFraction);
    }

    [Fact]
    public void An_always_valid_analysis_has_no_sequential_boundary_chart_instead_of_failing_on_no_planned_looks()
    {
        // The demo's experiment: confidence sequences, no planned looks (its results page threw "informationFractions: is empty").
        var data = new ExperimentData();
        Conversions(data, "control", 50, 10);
        Conversions(data, "b", 50, 15);
        var result = ExperimentAnalyzer.Analyze(Plan("b") with { Mode = ExperimentAnalysisMode.Sequential }, data, [], At);
        var points = new List<ExperimentCharts.AnalysisPoint> { new(At, result.InformationFraction, null, ExperimentAnalyzer.PrimaryPoints(result)) };

        Assert.Empty(result.Sequential.PlannedFractions);
        Assert.Null(ExperimentCharts.Sequential(result, points, 0.05));
        Assert.Single(ExperimentCharts.Lift(points));
    }

    [Fact]
    public void A_fixed_horizon_decision_taken_at_the_planned_sample_is_kept_when_later_data_would_change_it()
    {
        // Plan 100 per arm, fixed horizon: at the plan treatment is clearly better (SHIP); then control catches up.
        var plan = Plan("treatment") with { Mode = ExperimentAnalysisMode.FixedHorizon };
        var data = new ExperimentData();
        Conversions(data, "control", 100, 30);
        Conversions(data, "treatment", 100, 55);
        var looks = new List<RecordedLook>();
        var atPlan = ExperimentAnalyzer.Analyze(plan, data, looks, At);
        Assert.Equal(VerdictKind.Ship, atPlan.Verdict);
        Assert.NotNull(atPlan.Sequential.ThisLook);
        Assert.Equal(VerdictKind.Ship, atPlan.Sequential.ThisLook!.Verdict);
        looks.Add(atPlan.Sequential.ThisLook);

        Conversions(data, "control", 400, 250);
        Conversions(data, "treatment", 400, 100);
        var later = ExperimentAnalyzer.Analyze(plan, data, looks, At.AddHours(1));
        Assert.True(later.Metrics[0].Comparisons[0].Difference < 0, "the current estimate has turned around");
        Assert.Equal(VerdictKind.Ship, later.Verdict);
        Assert.Equal("treatment", later.WinningArm);
        Assert.Null(later.Sequential.ThisLook);
        Assert.Equal(1, later.Final!.Look);
        Assert.StartsWith("Decided at the final look", later.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_sample_ratio_mismatch_cannot_stop_before_every_arm_has_the_minimum_units()
    {
        var plan = Plan("treatment") with { Mode = ExperimentAnalysisMode.Sequential };
        var small = new ExperimentData();
        Conversions(small, "control", 99, 30);
        Conversions(small, "treatment", 20, 6);
        var early = ExperimentAnalyzer.Analyze(plan, small, [], At);
        Assert.True(early.Srm!.PValue < ExperimentStatistics.SrmThreshold, "the split is far off");
        Assert.False(early.Srm.Mismatch);
        Assert.False(early.Srm.Checked);
        Assert.NotEqual(VerdictKind.Stop, early.Verdict);

        var large = new ExperimentData();
        Conversions(large, "control", 500, 150);
        Conversions(large, "treatment", 100, 30);
        var checkedResult = ExperimentAnalyzer.Analyze(plan, large, [], At);
        Assert.True(checkedResult.Srm!.Mismatch);
        Assert.Equal(VerdictKind.Stop, checkedResult.Verdict);
    }

    [Fact]
    public void Always_valid_mode_shows_confidence_sequence_intervals_wider_than_the_fixed_ones()
    {
        var data = new ExperimentData();
        Conversions(data, "control", 400, 120);
        Conversions(data, "treatment", 400, 150);
        var sequential = ExperimentAnalyzer.Analyze(Plan("treatment") with { Mode = ExperimentAnalysisMode.Sequential }, data, [], At).Metrics[0].Comparisons[0];
        var fixedHorizon = ExperimentAnalyzer.Analyze(Plan("treatment") with { Mode = ExperimentAnalysisMode.FixedHorizon }, data, [], At).Metrics[0].Comparisons[0];
        Assert.Equal(fixedHorizon.Difference, sequential.Difference);
        Assert.True(sequential.CiHigh - sequential.CiLow > fixedHorizon.CiHigh - fixedHorizon.CiLow);
        Assert.True(sequential.LiftHigh - sequential.LiftLow > fixedHorizon.LiftHigh - fixedHorizon.LiftLow);
        var effect = EffectEstimates.Absolute(ArmEstimate.OfProportion(120, 400), ArmEstimate.OfProportion(150, 400));
        var expected = ConfidenceSequences.Interval(effect, 800, 0.05);
        Assert.Equal(expected.Low, sequential.CiLow!.Value, 12);
        Assert.Equal(expected.PValue, sequential.PValue!.Value, 12);
    }

    [Fact]
    public void Units_in_another_arm_than_the_hash_assignment_warn_on_the_verdict_above_one_percent()
    {
        var data = new ExperimentData { Assignment = new AssignmentCheck(1000, 8, 4) };
        Conversions(data, "control", 50, 10);
        Conversions(data, "treatment", 50, 12);
        var result = ExperimentAnalyzer.Analyze(Plan("treatment"), data, [], At);
        Assert.Contains(result.Reasons, r => r.StartsWith("Warning: Assignment check: 8 of 1000 units", StringComparison.Ordinal));

        var fine = new ExperimentData { Assignment = new AssignmentCheck(1000, 5, 0) };
        Conversions(fine, "control", 50, 10);
        Conversions(fine, "treatment", 50, 12);
        var quiet = ExperimentAnalyzer.Analyze(Plan("treatment"), fine, [], At);
        Assert.DoesNotContain(quiet.Reasons, r => r.Contains("Assignment check", StringComparison.Ordinal));
        Assert.Contains(quiet.Notes, n => n.StartsWith("Assignment check: 5 of 1000", StringComparison.Ordinal));
    }

    [Fact]
    public void A_guardrail_with_a_relative_margin_breaches_on_a_ninefold_error_rate_even_far_inside_its_absolute_bound()
    {
        var plan = new AnalysisPlan(
            "guardrail",
            [new ArmPlan("control", "v1", 50, true), new ArmPlan("treatment", "v2", 50, false)],
            [new MetricPlan("conversion", MetricRole.Primary, MetricKind.Conversion, true), new MetricPlan("errors", MetricRole.Guardrail, MetricKind.ErrorRate, false, 0.2, 0.5)],
            0.05,
            1000,
            1,
            ExperimentAnalysisMode.Sequential);
        var data = new ExperimentData();
        Conversions(data, "control", 3000, 900);
        Conversions(data, "treatment", 3000, 900);
        var errors = data.Sample("errors", "control");
        for (var i = 0; i < 3000; i++)
        {
            errors.Add(i < 30 ? 1 : 0);
            data.Sample("errors", "treatment").Add(i < 270 ? 1 : 0);
        }

        var result = ExperimentAnalyzer.Analyze(plan, data, [], At);
        var guardrail = result.Guardrails.Single();
        Assert.Equal("breached", guardrail.Status);
        Assert.True(guardrail.HarmLow > 0.5, $"harm lower bound {guardrail.HarmLow}");
        Assert.Equal(VerdictKind.Stop, result.Verdict);
    }
}
