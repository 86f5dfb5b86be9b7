using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Integration;
using Portal.Analysis.Common;

namespace Portal.Analysis.Experiments;

/// <summary>Bayesian comparison of treatment against control (higher metric values are better).</summary>
/// <param name="ChanceToBeatControl">Posterior P(treatment &gt; control).</param>
/// <param name="ExpectedLossTreatment">E[max(control − treatment, 0)]: what shipping treatment costs if it is worse.</param>
/// <param name="ExpectedLossControl">E[max(treatment − control, 0)]: what keeping control costs if treatment is better.</param>
/// <param name="ControlPosteriorMean">Posterior mean of the control rate or mean.</param>
/// <param name="TreatmentPosteriorMean">Posterior mean of the treatment rate or mean.</param>
public sealed record BayesianResult(
    double ChanceToBeatControl,
    double ExpectedLossTreatment,
    double ExpectedLossControl,
    double ControlPosteriorMean,
    double TreatmentPosteriorMean);

/// <summary>
/// Bayesian A/B summaries. Deterministic: probabilities are integrals computed by Gauss–Legendre quadrature,
/// not by sampling.
/// </summary>
public static class BayesianAb
{
    private const int QuadratureOrder = 32;

    /// <summary>
    /// Conversion metric with a Beta(1, 1) prior per arm, so the posteriors are Beta(1 + successes, 1 + failures).
    /// P(T &gt; C) = ∫ f_T(x)·F_C(x) dx, integrated piecewise (pieces of half a posterior standard deviation of
    /// either arm, out to 12 standard deviations, Gauss–Legendre of order 32 on each piece): absolute error well
    /// below 1e-6. Expected losses use E[X·1{X &gt; Y}] = E[X]·P(X⁺ &gt; Y) with X⁺ ~ Beta(a + 1, b), so they need the
    /// same integral only.
    /// </summary>
    public static BayesianResult Conversion(Proportion control, Proportion treatment)
    {
        var (aC, bC) = Posterior(control, nameof(control));
        var (aT, bT) = Posterior(treatment, nameof(treatment));
        var meanC = aC / (aC + bC);
        var meanT = aT / (aT + bT);

        var chance = ProbabilityGreater(aT, bT, aC, bC);
        // E[max(C − T, 0)] = E[C]·P(C⁺ > T) − E[T]·P(C > T⁺)
        var lossTreatment = meanC * ProbabilityGreater(aC + 1, bC, aT, bT) - meanT * ProbabilityGreater(aC, bC, aT + 1, bT);
        var lossControl = meanT * ProbabilityGreater(aT + 1, bT, aC, bC) - meanC * ProbabilityGreater(aT, bT, aC + 1, bC);
        return new BayesianResult(Clamp01(chance), Math.Max(0, lossTreatment), Math.Max(0, lossControl), meanC, meanT);
    }

    /// <summary>
    /// Continuous metric, normal approximation with a flat prior: each arm's mean is N(x̄, s²/n), so the
    /// difference D = T − C is N(d, σ²) with d = x̄_T − x̄_C and σ² = s²_T/n_T + s²_C/n_C. Then
    /// P(T &gt; C) = Φ(d/σ), E[max(−D, 0)] = σφ(d/σ) − dΦ(−d/σ) and E[max(D, 0)] = σφ(d/σ) + dΦ(d/σ).
    /// Each arm needs two values; two constant arms are rejected.
    /// </summary>
    public static BayesianResult Continuous(IReadOnlyList<double> control, IReadOnlyList<double> treatment)
    {
        Guard.Finite(control, nameof(control), 2);
        Guard.Finite(treatment, nameof(treatment), 2);
        var (meanC, varC) = WelchCore.MeanAndVariance(control);
        var (meanT, varT) = WelchCore.MeanAndVariance(treatment);
        var sigma = Math.Sqrt(varC / control.Count + varT / treatment.Count);
        if (sigma <= 0)
        {
            throw new AnalysisInputException(nameof(treatment), "both arms are constant, so the posterior of the difference is degenerate");
        }

        var d = meanT - meanC;
        var z = d / sigma;
        var density = Normal.PDF(0, 1, z);
        return new BayesianResult(
            Normal.CDF(0, 1, z),
            sigma * density - d * Normal.CDF(0, 1, -z),
            sigma * density + d * Normal.CDF(0, 1, z),
            meanC,
            meanT);
    }

    private static (double A, double B) Posterior(Proportion? arm, string field)
    {
        Guard.NotNull(arm, field);
        if (arm!.Trials <= 0 || arm.Successes < 0 || arm.Successes > arm.Trials)
        {
            throw new AnalysisInputException(field, $"needs 0 ≤ successes ≤ trials and trials > 0, got {arm.Successes} of {arm.Trials}");
        }

        return (1.0 + arm.Successes, 1.0 + arm.Trials - arm.Successes);
    }

    /// <summary>P(X &gt; Y) for independent X ~ Beta(aX, bX), Y ~ Beta(aY, bY), both parameters ≥ 1.</summary>
    internal static double ProbabilityGreater(double aX, double bX, double aY, double bY)
    {
        var points = new List<double> { 0.0, 1.0 };
        AddBreakpoints(points, aX, bX);
        AddBreakpoints(points, aY, bY);
        points.Sort();

        var logNormX = SpecialFunctions.BetaLn(aX, bX);
        double Integrand(double x)
        {
            var logDensity = (aX - 1) * Math.Log(x) + (bX - 1) * Math.Log(1 - x) - logNormX;
            return Math.Exp(logDensity) * SpecialFunctions.BetaRegularized(aY, bY, x);
        }

        var total = 0.0;
        for (var i = 1; i < points.Count; i++)
        {
            if (points[i] - points[i - 1] > 1e-15)
            {
                total += GaussLegendreRule.Integrate(Integrand, points[i - 1], points[i], QuadratureOrder);
            }
        }

        return total;
    }

    private static void AddBreakpoints(List<double> points, double a, double b)
    {
        var mean = a / (a + b);
        var sd = Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
        for (var k = -24; k <= 24; k++)
        {
            var x = mean + 0.5 * k * sd;
            if (x > 0 && x < 1)
            {
                points.Add(x);
            }
        }
    }

    private static double Clamp01(double p) => Math.Min(1.0, Math.Max(0.0, p));
}
