using Portal.Analysis.Common;
using Portal.Analysis.Fairness;

namespace Portal.Analysis.Tests.Advanced;

public class FairnessTests
{
    /// <summary>Rows of (group, yTrue, yPred) repeated.</summary>
    private static (string?[] G, int[] T, int[] P) Rows(params (string? Group, int True, int Pred, int Times)[] spec)
    {
        var g = new List<string?>();
        var t = new List<int>();
        var p = new List<int>();
        foreach (var (group, y, yhat, times) in spec)
        {
            for (var i = 0; i < times; i++)
            {
                g.Add(group);
                t.Add(y);
                p.Add(yhat);
            }
        }

        return (g.ToArray(), t.ToArray(), p.ToArray());
    }

    [Fact]
    public void Per_group_rates_and_min_over_max_ratios_are_computed_and_low_ratios_flagged()
    {
        // A: tp 30, fn 10, fp 10, tn 50 (n 100); B: tp 12, fn 18, fp 4, tn 66 (n 100); C: 5 rows, too small.
        var (g, t, p) = Rows(("A", 1, 1, 30), ("A", 1, 0, 10), ("A", 0, 1, 10), ("A", 0, 0, 50),
                             ("B", 1, 1, 12), ("B", 1, 0, 18), ("B", 0, 1, 4), ("B", 0, 0, 66),
                             ("C", 1, 1, 5));
        var r = FairnessAnalysis.Evaluate(g, t, p, minGroupSize: 20);

        var a = r.Groups[0];
        Assert.Equal(("A", 100, true), (a.Group, a.Count, a.IncludedInRatios));
        Close.Equal(0.80, a.Accuracy);
        Close.Equal(0.40, a.SelectionRate);
        Close.Equal(10.0 / 60, a.FalsePositiveRate);
        Close.Equal(0.75, a.TruePositiveRate);
        var b = r.Groups[1];
        Close.Equal(0.78, b.Accuracy);
        Close.Equal(0.16, b.SelectionRate);
        Close.Equal(4.0 / 70, b.FalsePositiveRate);
        Close.Equal(0.40, b.TruePositiveRate);
        var c = r.Groups[2];
        Assert.False(c.IncludedInRatios);
        Assert.True(double.IsNaN(c.FalsePositiveRate));

        var d = r.Disparities.ToDictionary(x => x.Metric);
        Close.Equal(0.78 / 0.80, d["accuracy"].Ratio!.Value);
        Assert.False(d["accuracy"].Flagged);
        Close.Equal(0.16 / 0.40, d["selectionRate"].Ratio!.Value);
        Assert.True(d["selectionRate"].Flagged);
        Assert.Equal(("B", "A"), (d["selectionRate"].LowestGroup, d["selectionRate"].HighestGroup));
        Close.Equal(0.40 / 0.75, d["truePositiveRate"].Ratio!.Value); // C (TPR 1.0) would have changed the max
        Close.Equal((4.0 / 70) / (10.0 / 60), d["falsePositiveRate"].Ratio!.Value);
    }

    // The four-fifths rule flags a ratio below the threshold: exactly 0.8 (40 % against 50 % selected, 0.4 / 0.5 is the
    // double nearest 0.8) is not flagged, one prediction fewer (0.39 / 0.5 = 0.78) is.
    [Theory]
    [InlineData(40, 0.8, false)]
    [InlineData(39, 0.8, true)]
    [InlineData(45, 0.9, false)]
    [InlineData(44, 0.9, true)]
    public void A_ratio_exactly_at_the_threshold_is_not_flagged_and_just_below_it_is(int selectedInB, double threshold, bool flagged)
    {
        var (g, t, p) = Rows(("A", 1, 1, 50), ("A", 0, 0, 50), ("B", 1, 1, selectedInB), ("B", 0, 0, 100 - selectedInB));
        var r = FairnessAnalysis.Evaluate(g, t, p, threshold: threshold);

        var selection = r.Disparities.Single(d => d.Metric == "selectionRate");
        Assert.Equal(selectedInB / 50.0, selection.Ratio!.Value, 12);
        Assert.Equal(flagged, selection.Flagged);
        Assert.All(r.Disparities.Where(d => d.Metric != "selectionRate"), d => Assert.False(d.Flagged, d.Metric));
    }

    [Fact]
    public void A_single_comparable_group_gives_no_ratio_and_no_flag()
    {
        var (g, t, p) = Rows(("A", 1, 1, 40), ("A", 0, 0, 40), ("B", 1, 0, 3));
        var r = FairnessAnalysis.Evaluate(g, t, p);
        Assert.All(r.Disparities, x => Assert.Null(x.Ratio));
        Assert.All(r.Disparities, x => Assert.False(x.Flagged));
        Assert.Equal(2, r.Groups.Count);
    }

    [Fact]
    public void All_one_class_leaves_the_undefined_rate_out_and_zero_rates_are_parity()
    {
        var (g, t, p) = Rows(("x", 0, 0, 50), ("y", 0, 0, 50));
        var r = FairnessAnalysis.Evaluate(g, t, p);
        var d = r.Disparities.ToDictionary(x => x.Metric);
        Assert.Null(d["truePositiveRate"].Ratio);       // no positives anywhere
        Assert.Equal(1.0, d["selectionRate"].Ratio);   // 0 / 0 across groups: parity
        Assert.False(d["selectionRate"].Flagged);
    }

    [Fact]
    public void Null_attribute_values_form_their_own_group()
    {
        var (g, t, p) = Rows((null, 1, 1, 30), ("a", 1, 1, 30));
        Assert.Contains(FairnessAnalysis.Evaluate(g, t, p).Groups, x => x.Group == FairnessAnalysis.MissingGroup && x.Count == 30);
    }

    [Fact]
    public void Bad_inputs_are_rejected_naming_the_field()
    {
        Assert.Equal("yTrue", Assert.Throws<AnalysisInputException>(() => FairnessAnalysis.Evaluate([], [], [])).Field);
        Assert.Equal("yPred", Assert.Throws<AnalysisInputException>(() => FairnessAnalysis.Evaluate(["a"], [1], [2])).Field);
        Assert.Equal("sensitive", Assert.Throws<AnalysisInputException>(() => FairnessAnalysis.Evaluate(["a"], [1, 0], [1, 0])).Field);
        Assert.Equal("minGroupSize", Assert.Throws<AnalysisInputException>(() => FairnessAnalysis.Evaluate(["a"], [1], [1], 0)).Field);
    }
}
