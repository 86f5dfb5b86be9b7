using Portal.Analysis.Common;

namespace Portal.Analysis.Experiments;

/// <summary>
/// One arm's estimate of a metric: a rate, a mean, a ratio of per-unit sums or a percentile, with the variance of
/// that estimate (σ²/n for a mean) and the number of units behind it.
/// </summary>
/// <param name="Mean">The arm's value.</param>
/// <param name="MeanVariance">Variance of <paramref name="Mean"/> as an estimate (its squared standard error).</param>
/// <param name="Units">Randomisation units behind it.</param>
public sealed record ArmEstimate(double Mean, double MeanVariance, long Units)
{
    /// <summary>A rate: p = successes / trials, Var(p̂) = p(1 − p) / n (unpooled, as GrowthBook's ProportionStatistic).</summary>
    /// <exception cref="AnalysisInputException">No trials, or successes outside [0, trials].</exception>
    public static ArmEstimate OfProportion(long successes, long trials)
    {
        if (trials <= 0 || successes < 0 || successes > trials)
        {
            throw new AnalysisInputException("trials", $"needs trials > 0 and 0 ≤ successes ≤ trials, got {successes} of {trials}.");
        }

        var p = (double)successes / trials;
        return new ArmEstimate(p, p * (1 - p) / trials, trials);
    }

    /// <summary>A mean of one value per unit: x̄, Var(x̄) = s² / n with the n − 1 sample variance.</summary>
    /// <exception cref="AnalysisInputException">Fewer than two values or a value that is not finite.</exception>
    public static ArmEstimate OfValues(IReadOnlyList<double> values)
    {
        Guard.Finite(values, "values", 2);
        var array = values as double[] ?? values.ToArray();
        var mean = Moments.Mean(array);
        return new ArmEstimate(mean, Moments.SampleVariance(array, mean) / array.Length, array.Length);
    }

    /// <summary>
    /// A ratio metric over units (e.g. errors / predictions per user): R = Σmᵢ / Σdᵢ with the delta-method variance
    /// Var(R̂) = [s²_m / d̄² + s²_d·m̄² / d̄⁴ − 2·s_md·m̄ / d̄³] / n (GrowthBook's RatioStatistic, Deng et al. 2018),
    /// sample (co)variances with n − 1. Each unit's numerator and denominator stay together, so units that send many
    /// predictions are not counted as many independent units.
    /// </summary>
    /// <exception cref="AnalysisInputException">
    /// Fewer than two units, lengths that differ, a value that is not finite, or a denominator sum of 0.
    /// </exception>
    public static ArmEstimate OfRatio(IReadOnlyList<double> numerators, IReadOnlyList<double> denominators)
    {
        Guard.Finite(numerators, "numerators", 2);
        Guard.Finite(denominators, "denominators", 2);
        Guard.SameLength(numerators.Count, denominators.Count, "denominators", "numerators");
        var n = numerators.Count;
        var meanM = numerators.Sum() / n;
        var meanD = denominators.Sum() / n;
        if (meanD == 0)
        {
            throw new AnalysisInputException("denominators", "the denominators add up to 0: the ratio is undefined.");
        }

        double varM = 0, varD = 0, cov = 0;
        for (var i = 0; i < n; i++)
        {
            var dm = numerators[i] - meanM;
            var dd = denominators[i] - meanD;
            varM += dm * dm;
            varD += dd * dd;
            cov += dm * dd;
        }

        (varM, varD, cov) = (varM / (n - 1), varD / (n - 1), cov / (n - 1));
        var unitVariance = EffectEstimates.VarianceOfRatio(meanM, varM, meanD, varD, cov);
        return new ArmEstimate(meanM / meanD, Math.Max(0, unitVariance) / n, n);
    }
}

/// <summary>A treatment − control effect (absolute difference or relative lift) and the variance of its estimate.</summary>
public sealed record Effect(double Estimate, double Variance)
{
    public double StandardError => Math.Sqrt(Variance);
}

/// <summary>An interval of an effect and the p-value of "no effect" read by the same method.</summary>
/// <param name="Low">Lower end (−∞ for a one-sided upper bound).</param>
/// <param name="High">Upper end (+∞ for a one-sided lower bound).</param>
/// <param name="PValue">Two-sided p-value (fixed, always valid or nominal, as the method says).</param>
public sealed record EffectInterval(double Low, double High, double PValue)
{
    public bool ExcludesZero => Low > 0 || High < 0;
}

/// <summary>
/// Treatment − control effects from two <see cref="ArmEstimate"/>s and their fixed-horizon intervals. The same
/// standard error, unpooled √(Var_t + Var_c), gives the p-value and the interval, so they always agree
/// (p &lt; α exactly when the interval excludes 0).
/// </summary>
public static class EffectEstimates
{
    /// <summary>Difference treatment − control, Var = Var_t + Var_c.</summary>
    public static Effect Absolute(ArmEstimate control, ArmEstimate treatment) =>
        new(treatment.Mean - control.Mean, treatment.MeanVariance + control.MeanVariance);

    /// <summary>
    /// Relative lift (t − c) / |c| by the delta method (GrowthBook's frequentist_variance with relative = true):
    /// Var = Var_t / c² + Var_c·t² / c⁴, the arms independent. Null when the control value is 0.
    /// </summary>
    public static Effect? Relative(ArmEstimate control, ArmEstimate treatment)
    {
        var c = control.Mean;
        if (c == 0 || !double.IsFinite(c))
        {
            return null;
        }

        var t = treatment.Mean;
        return new Effect((t - c) / Math.Abs(c), VarianceOfRatio(t, treatment.MeanVariance, c, control.MeanVariance, 0));
    }

    /// <summary>Delta-method variance of m / d: Var_m / d² + Var_d·m² / d⁴ − 2·Cov·m / d³ (0 when d = 0).</summary>
    public static double VarianceOfRatio(double meanM, double varM, double meanD, double varD, double cov) =>
        meanD == 0 ? 0 : (varM / (meanD * meanD)) + (varD * meanM * meanM / Math.Pow(meanD, 4)) - (2 * cov * meanM / Math.Pow(meanD, 3));

    /// <summary>Two-sided normal interval estimate ± z₁₋α/₂·SE and p = 2(1 − Φ(|estimate| / SE)).</summary>
    public static EffectInterval Normal(Effect effect, double alpha)
    {
        Guard.InOpenUnitInterval(alpha, "alpha");
        return AtZ(effect, StandardNormal.Quantile(1 - (alpha / 2)));
    }

    /// <summary>Two-sided Student-t interval estimate ± t(1 − α/2, df)·SE and its p-value (Welch).</summary>
    /// <param name="effect">The effect.</param>
    /// <param name="df">Welch–Satterthwaite degrees of freedom.</param>
    /// <param name="alpha">Two-sided level.</param>
    /// <param name="critical">t(1 − α/2, df) when already known (it is costly: a bisection).</param>
    public static EffectInterval StudentT(Effect effect, double df, double alpha, double? critical = null)
    {
        Guard.InOpenUnitInterval(alpha, "alpha");
        var margin = (critical ?? TCritical(df, alpha)) * effect.StandardError;
        return new EffectInterval(effect.Estimate - margin, effect.Estimate + margin, StudentTPValue(effect, df));
    }

    /// <summary>t(1 − α/2, df), SciPy's <c>t.isf(α/2, df)</c>.</summary>
    public static double TCritical(double df, double alpha) => StudentTDistribution.UpperQuantile(alpha / 2, df);

    /// <summary>Two-sided Student-t p-value of estimate / SE.</summary>
    public static double StudentTPValue(Effect effect, double df)
    {
        var se = effect.StandardError;
        return se > 0 ? StudentTDistribution.TwoSidedPValue(effect.Estimate / se, df) : PWithoutError(effect);
    }

    /// <summary>Welch–Satterthwaite degrees of freedom of the difference of two arms' means.</summary>
    public static double WelchDf(ArmEstimate control, ArmEstimate treatment)
    {
        var (vc, vt) = (control.MeanVariance, treatment.MeanVariance);
        return (vc + vt) * (vc + vt) / ((vc * vc / (control.Units - 1)) + (vt * vt / (treatment.Units - 1)));
    }

    /// <summary>The repeated interval at a group-sequential look: estimate ± boundary·SE, with the look's nominal p.</summary>
    public static EffectInterval AtZ(Effect effect, double z)
    {
        var se = effect.StandardError;
        var p = se > 0 ? StandardNormal.TwoSidedPValue(effect.Estimate / se) : PWithoutError(effect);
        return new EffectInterval(effect.Estimate - (z * se), effect.Estimate + (z * se), p);
    }

    private static double PWithoutError(Effect effect) => effect.Estimate == 0 ? 1 : 0;
}
