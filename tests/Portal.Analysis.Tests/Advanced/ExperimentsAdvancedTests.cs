using MathNet.Numerics.Distributions;
using Portal.Analysis.Common;
using Portal.Analysis.Experiments;

namespace Portal.Analysis.Tests.Advanced;

public class GroupSequentialTests
{
    [Theory]
    [InlineData(new[] { 0.2, 0.4, 0.6, 0.8, 1.0 },
        new[] { 4.382612702882908, 3.0997274775606343, 2.553354972654631, 2.253847898400352, 2.063501103653209 },
        new[] { 1.1726446842663663e-05, 0.001941912996932138, 0.01139642183903078, 0.02842963013851063, 0.05000045624839988 })]
    [InlineData(new[] { 0.3, 0.55, 0.9, 1.0 },
        new[] { 3.578388287434314, 2.648570776600252, 2.1005547959018145, 2.092332848762055 },
        new[] { 0.000345719580169046, 0.008221997055789743, 0.038830040871568716, 0.049999990266450856 })]
    public void Boundaries_spend_the_lan_demets_alpha_under_the_joint_normal_distribution(double[] t, double[] z, double[] scipyCrossing)
    {
        // scipyCrossing[k] = 1 − scipy.stats.multivariate_normal.cdf(z[:k+1], mean=0, cov=min(ti,tj)/sqrt(ti·tj),
        //   lower_limit=−z[:k+1], abseps=1e-10, releps=1e-10) with SciPy 1.10: the probability that an A/A test
        // crosses one of the first k+1 boundaries. It must equal the O'Brien–Fleming spending 2 − 2Φ(1.96/√t).
        var b = GroupSequential.ObrienFlemingBoundaries(t);
        Close.All(z, b.Select(x => x.Z).ToArray(), 1e-9);
        for (var k = 0; k < t.Length; k++)
        {
            Close.Equal(scipyCrossing[k], b[k].CumulativeAlphaSpent, 0, 1e-6, $"look {k + 1}");
            Close.Equal(2 * Normal.CDF(0, 1, -1.959963984540054 / Math.Sqrt(t[k])), b[k].CumulativeAlphaSpent, 1e-12);
            Close.Equal(GroupSequential.SpentAlpha(t[k]), b[k].CumulativeAlphaSpent, 1e-12);
            Close.Equal(2 * Normal.CDF(0, 1, -b[k].Z), b[k].NominalAlpha, 1e-12);
        }
    }

    [Fact]
    public void Looks_that_spend_almost_nothing_leave_the_final_boundary_at_the_fixed_horizon_value()
    {
        var b = GroupSequential.ObrienFlemingBoundaries([0.01, 0.02, 1.0]);
        Assert.True(b[0].Z > 19 && b[1].Z > 13);
        Close.Equal(1.959963984540054, b[2].Z, 1e-7);
    }

    [Fact]
    public void A_single_final_look_has_the_fixed_horizon_boundary()
    {
        var b = Assert.Single(GroupSequential.ObrienFlemingBoundaries([1.0]));
        Close.Equal(1.959963984540054, b.Z, 1e-9);
        Close.Equal(0.05, b.NominalAlpha, 1e-9);
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new[] { 0.5, 0.5 })]
    [InlineData(new[] { 0.6, 0.3 })]
    [InlineData(new[] { 0.5, 1.2 })]
    [InlineData(new[] { 0.0, 1.0 })]
    [InlineData(new[] { double.NaN, 1.0 })]
    public void Boundaries_reject_fractions_that_are_not_increasing_in_the_unit_interval(double[] fractions)
    {
        var e = Assert.Throws<AnalysisInputException>(() => GroupSequential.ObrienFlemingBoundaries(fractions));
        Assert.Equal("informationFractions", e.Field);
    }
}

public class HolmAcrossSecondaryMetricsTests
{
    [Fact]
    public void Verdict_reports_holm_adjusted_p_values_of_the_secondary_metrics()
    {
        var secondary = new[] { 0.01, 0.04, 0.03, 0.005 }
            .Select((p, i) => new MetricComparison($"m{i}", 1, 0.1, 2, p)).ToArray();
        var verdict = ExperimentVerdicts.Decide(VerdictTests.Input() with { Secondary = secondary });
        // statsmodels 0.13.5: multipletests([0.01, 0.04, 0.03, 0.005], method='holm')[1] = [0.03, 0.06, 0.06, 0.02]
        Close.All([0.03, 0.06, 0.06, 0.02], verdict.SecondaryAdjustedPValues);
        Assert.Contains(verdict.Reasons, r => r.Contains("'m1': no significant change", StringComparison.Ordinal));
        Assert.Contains(verdict.Reasons, r => r.Contains("'m3': significantly better", StringComparison.Ordinal));
    }
}

public class CupedTests
{
    private static readonly double[] ControlY = [10.2, 11.5, 9.8, 12.1, 10.9, 11.7, 9.5, 10.4, 12.8, 11.0, 10.1, 11.9];
    private static readonly double[] ControlX = [9.9, 11.0, 9.9, 11.6, 10.5, 11.9, 9.1, 10.0, 12.1, 10.8, 10.4, 11.2];
    private static readonly double[] TreatmentY = [10.9, 12.3, 10.4, 12.6, 11.8, 12.0, 10.2, 11.1, 13.5, 11.6, 10.7, 12.8, 11.3];
    private static readonly double[] TreatmentX = [10.0, 11.8, 10.1, 11.9, 11.1, 11.4, 9.6, 10.6, 12.9, 11.0, 10.2, 12.1, 10.9];

    [Fact]
    public void Cuped_adjusts_with_pooled_theta_and_runs_welch_on_adjusted_values_as_scipy()
    {
        // NumPy 1.24 / SciPy 1.10: y, x = concat(arms); theta = np.cov(y, x)[0, 1] / np.var(x, ddof=1);
        // adj = y − theta·(x − x.mean()); scipy.stats.ttest_ind(adj_t, adj_c, equal_var=False);
        // CI = d ± stats.t.ppf(0.975, df)·se; raw = ttest_ind(ty, cy, equal_var=False).
        var r = Cuped.Analyze(ControlY, ControlX, TreatmentY, TreatmentX);
        Close.Equal(1.0733140655105973, r.Theta);
        Close.Equal(2.5823222059593216, r.Adjusted.T);
        Close.Equal(0.020318378902918027, r.Adjusted.PValue);
        Close.Equal(15.632138595928112, r.Adjusted.Df);
        Close.Equal(0.047493094554388715, r.Adjusted.CiLow);
        Close.Equal(0.48764844983571526, r.Adjusted.CiHigh);
        Close.Equal(11.184863198458574, r.ControlAdjustedMean);
        Close.Equal(11.452433970653626, r.TreatmentAdjustedMean);
        Close.Equal(1.5848109521809892, r.Unadjusted.T);
        Close.Equal(0.12684581576303403, r.Unadjusted.PValue);
        // 1 − SE²(adjusted difference) / SE²(raw difference)
        Close.Equal(0.9339807947326972, r.VarianceReduction);
        Assert.True(r.Adjusted.Significant && !r.Unadjusted.Significant);
    }

    [Fact]
    public void Cuped_with_a_constant_covariate_changes_nothing()
    {
        var constant = Enumerable.Repeat(3.0, ControlY.Length).ToArray();
        var r = Cuped.Analyze(ControlY, constant, TreatmentY, Enumerable.Repeat(3.0, TreatmentY.Length).ToArray());
        Assert.Equal(0, r.Theta);
        Assert.Equal(0, r.VarianceReduction, 12);
        Assert.Equal(r.Unadjusted.PValue, r.Adjusted.PValue, 12);
    }

    [Fact]
    public void Cuped_on_a_seeded_simulation_reduces_variance_by_about_rho_squared()
    {
        var random = new Seeded(7);
        double[] Metric(double[] x, double effect) => x.Select(v => 0.8 * v + 0.6 * random.Normal() + effect).ToArray();
        var cx = random.Normals(4000);
        var tx = random.Normals(4000);
        var r = Cuped.Analyze(Metric(cx, 0), cx, Metric(tx, 0.05), tx);
        Assert.InRange(r.VarianceReduction, 0.60, 0.68); // ρ² = 0.64
        Assert.InRange(r.Theta, 0.76, 0.84);
    }

    [Fact]
    public void Cuped_rejects_nan_mismatched_lengths_single_values_and_constant_arms()
    {
        Assert.Equal("treatmentCovariate", Assert.Throws<AnalysisInputException>(() => Cuped.Analyze(ControlY, ControlX, TreatmentY, TreatmentX.Append(double.NaN).ToArray())).Field);
        Assert.Equal("controlMetric", Assert.Throws<AnalysisInputException>(() => Cuped.Analyze([double.NaN, 1], [1, 2], [1, 2], [1, 2])).Field);
        Assert.Equal("controlCovariate", Assert.Throws<AnalysisInputException>(() => Cuped.Analyze([1, 2, 3], [1, 2], [1, 2], [1, 2])).Field);
        Assert.Equal("treatmentMetric", Assert.Throws<AnalysisInputException>(() => Cuped.Analyze([1, 2], [1, 2], [5], [1])).Field);
        Assert.Equal("controlMetric", Assert.Throws<AnalysisInputException>(() => Cuped.Analyze([], [], [1, 2], [1, 2])).Field);
        Assert.Equal("treatmentMetric", Assert.Throws<AnalysisInputException>(() => Cuped.Analyze([4, 4], [1, 2], [4, 4], [3, 5])).Field);
    }
}

public class BayesianTests
{
    [Theory]
    // Expected: P(T > C) by the closed form of Evan Miller ("Formulas for Bayesian A/B testing"),
    // Σ_{i<αT} exp(betaln(αC+i, βT+βC) − ln(βT+i) − betaln(1+i, βT) − betaln(αC, βC)) with scipy.special.betaln
    // (SciPy 1.10), and the losses through E[X·1{X>Y}] = E[X]·P(X⁺ > Y) with the same closed form.
    [InlineData(100, 1000, 120, 1000, 0.9231834389724246, 0.00048461392636280076, 0.02044469376675717)]
    [InlineData(3, 10, 5, 12, 0.699892313904967, 0.03576460332416723, 0.1310026985622622)]
    [InlineData(0, 20, 0, 20, 0.49999999999999994, 0.022198731501057077, 0.022198731501057077)]
    [InlineData(4500, 50000, 4650, 50000, 0.9500292089383916, 3.807497490248245e-05, 0.00303795498113639)]
    [InlineData(10, 10, 0, 10, 1.4175710770138037e-06, 0.8333333949668584, 6.163352508755349e-08)]
    [InlineData(45000, 500000, 45300, 500000, 0.8523831724610579, 4.365949016012921e-05, 0.0006436569755494531)]
    public void Conversion_chance_to_beat_control_and_expected_loss_match_the_closed_form(
        long sc, long nc, long st, long nt, double chance, double lossTreatment, double lossControl)
    {
        var r = BayesianAb.Conversion(new Proportion(sc, nc), new Proportion(st, nt));
        Close.Equal(chance, r.ChanceToBeatControl, 0, 1e-7, "chance");
        Close.Equal(lossTreatment, r.ExpectedLossTreatment, 0, 1e-7, "loss treatment");
        Close.Equal(lossControl, r.ExpectedLossControl, 0, 1e-7, "loss control");
        Close.Equal((sc + 1.0) / (nc + 2.0), r.ControlPosteriorMean);
    }

    [Fact]
    public void Conversion_is_deterministic_and_symmetric()
    {
        var a = BayesianAb.Conversion(new Proportion(40, 400), new Proportion(52, 410));
        var b = BayesianAb.Conversion(new Proportion(52, 410), new Proportion(40, 400));
        Assert.Equal(a, BayesianAb.Conversion(new Proportion(40, 400), new Proportion(52, 410)));
        Close.Equal(1 - a.ChanceToBeatControl, b.ChanceToBeatControl, 1e-9);
        Close.Equal(a.ExpectedLossTreatment, b.ExpectedLossControl, 1e-9);
    }

    [Fact]
    public void Continuous_uses_the_normal_approximation_of_the_difference()
    {
        double[] c = [1.0, 2.0, 3.0, 4.0];
        double[] t = [2.0, 3.0, 4.0, 5.5];
        var r = BayesianAb.Continuous(c, t);
        // d = 1.125, σ² = var(c)/4 + var(t)/4 with ddof 1; scipy.stats.norm.cdf(d/σ) and σφ(d/σ) ∓ dΦ(∓d/σ)
        var sigma = Math.Sqrt((5.0 / 3) / 4 + (6.6875 / 3) / 4);
        var z = 1.125 / sigma;
        Close.Equal(Normal.CDF(0, 1, z), r.ChanceToBeatControl, 1e-12);
        Close.Equal(sigma * Normal.PDF(0, 1, z) - 1.125 * Normal.CDF(0, 1, -z), r.ExpectedLossTreatment, 1e-12);
        Close.Equal(r.ExpectedLossTreatment + 1.125, r.ExpectedLossControl, 1e-12);
    }

    [Fact]
    public void Bayesian_rejects_impossible_counts_nan_and_constant_arms()
    {
        Assert.Equal("treatment", Assert.Throws<AnalysisInputException>(() => BayesianAb.Conversion(new Proportion(1, 10), new Proportion(11, 10))).Field);
        Assert.Equal("control", Assert.Throws<AnalysisInputException>(() => BayesianAb.Conversion(new Proportion(0, 0), new Proportion(1, 10))).Field);
        Assert.Equal("control", Assert.Throws<AnalysisInputException>(() => BayesianAb.Continuous([1, double.NaN], [1, 2])).Field);
        Assert.Equal("treatment", Assert.Throws<AnalysisInputException>(() => BayesianAb.Continuous([2, 2, 2], [2, 2])).Field);
        Assert.Equal("control", Assert.Throws<AnalysisInputException>(() => BayesianAb.Continuous([1], [1, 2])).Field);
    }
}
