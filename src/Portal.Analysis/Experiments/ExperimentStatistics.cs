using Portal.Analysis.Common;

namespace Portal.Analysis.Experiments;

/// <summary>
/// Welch's t-test of treatment − control with a confidence interval for the difference of means;
/// Lift = Difference / control mean (null when the control mean is 0: a relative change from 0 is undefined), Significant = PValue &lt; alpha.
/// LiftCiLow / LiftCiHigh: the lift's (1 − α) interval by the delta method, Var = Var_t/c² + Var_c·t²/c⁴ (added beside Lift).
/// </summary>
public sealed record WelchResult(double T, double Df, double PValue, double Difference, double CiLow, double CiHigh, double? Lift, bool Significant, double? LiftCiLow = null, double? LiftCiHigh = null);

/// <summary>
/// Pooled two-proportion z-test of treatment − control with an unpooled (Wald) confidence interval;
/// Lift = Difference / control rate (null when the control rate is 0), Significant = PValue &lt; alpha.
/// LiftCiLow / LiftCiHigh: the lift's (1 − α) Wald interval by the delta method with unpooled variances (added beside Lift).
/// </summary>
public sealed record ProportionsResult(double Z, double PValue, double Difference, double CiLow, double CiHigh, double? Lift, bool Significant, double? LiftCiLow = null, double? LiftCiHigh = null);

/// <summary>χ² goodness of fit of the observed arm sizes against the configured split; Mismatch = PValue &lt; 0.001.</summary>
public sealed record SrmResult(double Statistic, double PValue, bool Mismatch);

/// <summary>Conversions of one variant: Successes out of Trials.</summary>
public sealed record Proportion(long Successes, long Trials);

/// <summary>Frequentist A/B statistics of STATISTICS.md (treatment − control).</summary>
public static class ExperimentStatistics
{
    /// <summary>The p-value below which a sample-ratio mismatch is reported.</summary>
    public const double SrmThreshold = 0.001;

    /// <summary>
    /// Welch's t-test as SciPy's <c>ttest_ind(treatment, control, equal_var=False)</c>, Welch–Satterthwaite df,
    /// CI = difference ± t(1 − α/2, df)·SE. NaN values are missing and are dropped first.
    /// </summary>
    /// <exception cref="AnalysisInputException">
    /// Fewer than two values in a group, an infinite value, alpha outside (0, 1), both groups constant
    /// (the statistic is undefined) or values so large that
    /// the result overflows.
    /// </exception>
    public static WelchResult Welch(IReadOnlyList<double> control, IReadOnlyList<double> treatment, double alpha = 0.05)
    {
        Guard.InOpenUnitInterval(alpha, "alpha");
        var controlValues = PresentValues(control, "control");
        var treatmentValues = PresentValues(treatment, "treatment");

        var controlMean = Moments.Mean(controlValues);
        var treatmentMean = Moments.Mean(treatmentValues);
        var controlShare = Moments.SampleVariance(controlValues, controlMean) / controlValues.Length;
        var treatmentShare = Moments.SampleVariance(treatmentValues, treatmentMean) / treatmentValues.Length;
        if (controlShare == 0 && treatmentShare == 0)
        {
            throw new AnalysisInputException("treatment", "Both groups are constant (zero variance): the t statistic is undefined.");
        }

        var df = Math.Pow(controlShare + treatmentShare, 2)
            / ((controlShare * controlShare / (controlValues.Length - 1)) + (treatmentShare * treatmentShare / (treatmentValues.Length - 1)));
        var standardError = Math.Sqrt(controlShare + treatmentShare);
        var difference = treatmentMean - controlMean;
        var t = difference / standardError;
        var pValue = StudentTDistribution.TwoSidedPValue(t, df);
        Guard.FiniteResults("treatment", df, t, difference);
        var margin = StudentTDistribution.UpperQuantile(alpha / 2, df) * standardError;
        Guard.FiniteResults("alpha", margin);
        double? lift = controlMean == 0 ? null : difference / controlMean;
        Guard.FiniteResults("control", lift ?? 0);
        var relative = EffectEstimates.Relative(
            new ArmEstimate(controlMean, controlShare, controlValues.Length), new ArmEstimate(treatmentMean, treatmentShare, treatmentValues.Length));
        var liftInterval = relative is null ? null : EffectEstimates.StudentT(relative, df, alpha, margin / standardError);
        return new WelchResult(t, df, pValue, difference, difference - margin, difference + margin, lift, pValue < alpha, liftInterval?.Low, liftInterval?.High);
    }

    /// <summary>
    /// Pooled two-proportion z-test (statsmodels <c>proportions_ztest</c>) and the unpooled Wald interval
    /// difference ± z(1 − α/2)·√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂).
    /// </summary>
    /// <exception cref="AnalysisInputException">
    /// Negative counts, no trials, successes above trials, alpha outside (0, 1), a pooled rate of 0 or 1
    /// (the test is undefined).
    /// </exception>
    public static ProportionsResult TwoProportions(Proportion control, Proportion treatment, double alpha = 0.05)
    {
        Guard.InOpenUnitInterval(alpha, "alpha");
        RequireValid(control, "control");
        RequireValid(treatment, "treatment");

        var controlRate = (double)control.Successes / control.Trials;
        var treatmentRate = (double)treatment.Successes / treatment.Trials;
        var pooledRate = (double)(control.Successes + treatment.Successes) / (control.Trials + treatment.Trials);
        if (pooledRate == 0 || pooledRate == 1)
        {
            throw new AnalysisInputException("treatment", "Both variants have the same rate of 0 or 1: the z-test is undefined.");
        }

        var difference = treatmentRate - controlRate;
        var pooledError = Math.Sqrt(pooledRate * (1 - pooledRate) * ((1.0 / control.Trials) + (1.0 / treatment.Trials)));
        var z = difference / pooledError;
        var pValue = StandardNormal.TwoSidedPValue(z);
        var unpooledError = Math.Sqrt((treatmentRate * (1 - treatmentRate) / treatment.Trials) + (controlRate * (1 - controlRate) / control.Trials));
        var margin = StandardNormal.Quantile(1 - (alpha / 2)) * unpooledError;
        Guard.FiniteResults("alpha", margin);
        var relative = EffectEstimates.Relative(
            ArmEstimate.OfProportion(control.Successes, control.Trials), ArmEstimate.OfProportion(treatment.Successes, treatment.Trials));
        var liftInterval = relative is null ? null : EffectEstimates.Normal(relative, alpha);
        return new ProportionsResult(
            z, pValue, difference, difference - margin, difference + margin, controlRate == 0 ? null : difference / controlRate, pValue < alpha, liftInterval?.Low, liftInterval?.High);
    }

    /// <summary>Sample-ratio mismatch: χ² of observed counts against the configured split; mismatch when p &lt; 0.001.</summary>
    /// <remarks>The split is normalised, so [1, 1] and [0.5, 0.5] are the same; any number of arms ≥ 2.</remarks>
    /// <exception cref="AnalysisInputException">
    /// Fewer than two arms, a split of another length, a split share that is not positive and finite,
    /// a negative count, or no observations at all.
    /// </exception>
    public static SrmResult SampleRatioMismatch(IReadOnlyList<long> observed, IReadOnlyList<double> split)
    {
        if (observed.Count < 2)
        {
            throw new AnalysisInputException("observed", "At least two arms are needed.");
        }

        Guard.SameLength(observed.Count, split.Count, "split", "observed");
        double total = 0, splitTotal = 0;
        for (var i = 0; i < observed.Count; i++)
        {
            if (observed[i] < 0)
            {
                throw new AnalysisInputException("observed", $"observed[{i}] is negative ({observed[i]}).");
            }

            if (!(split[i] > 0 && double.IsFinite(split[i])))
            {
                throw new AnalysisInputException("split", $"split[{i}] must be a positive number, got {Guard.Format(split[i])}.");
            }

            total += observed[i];
            splitTotal += split[i];
        }

        if (total == 0)
        {
            throw new AnalysisInputException("observed", "No observations: every count is 0.");
        }

        var statistic = 0.0;
        for (var i = 0; i < observed.Count; i++)
        {
            var expected = total * (split[i] / splitTotal);
            var deviation = observed[i] - expected;
            statistic += deviation * deviation / expected;
        }

        Guard.FiniteResults("split", statistic);

        // χ² survival function with k − 1 degrees of freedom, evaluated directly as an upper tail.
        var pValue = MathNet.Numerics.SpecialFunctions.GammaUpperRegularized((observed.Count - 1) / 2.0, statistic / 2);
        return new SrmResult(statistic, pValue, pValue < SrmThreshold);
    }

    /// <summary>
    /// Units per variant to detect a relative change of a conversion rate:
    /// ⌈2·p̄(1−p̄)(z₁₋α/₂ + z_power)² / (p1 − p2)²⌉ with p2 = p1(1 + relativeMde), p̄ = (p1 + p2)/2.
    /// </summary>
    /// <exception cref="AnalysisInputException">
    /// baselineRate, power or alpha outside (0, 1), or a relativeMde that is 0 or moves the rate outside (0, 1).
    /// </exception>
    public static long SampleSizePerVariant(double baselineRate, double relativeMde, double power = 0.8, double alpha = 0.05)
    {
        Guard.InOpenUnitInterval(baselineRate, "baselineRate");
        Guard.InOpenUnitInterval(power, "power");
        Guard.InOpenUnitInterval(alpha, "alpha");
        var p1 = baselineRate;
        var p2 = p1 * (1 + relativeMde);
        if (relativeMde == 0 || !(p2 > 0 && p2 < 1))
        {
            throw new AnalysisInputException("relativeMde", $"relativeMde must be non-zero and keep the rate inside (0, 1); it gives {Guard.Format(p2)}.");
        }

        var pBar = (p1 + p2) / 2;
        var zSum = StandardNormal.Quantile(1 - (alpha / 2)) + StandardNormal.Quantile(power);
        Guard.FiniteResults("alpha", zSum);
        var n = Math.Ceiling(2 * pBar * (1 - pBar) * (zSum * zSum) / ((p1 - p2) * (p1 - p2)));
        if (n >= long.MaxValue)
        {
            throw new AnalysisInputException("relativeMde", "relativeMde is too small: the sample size does not fit a 64-bit count.");
        }

        return (long)n;
    }

    /// <summary>Lan–DeMets O'Brien–Fleming alpha spent at information fraction t ∈ (0, 1]: 2 − 2Φ(z₁₋α/₂/√t).</summary>
    /// <exception cref="AnalysisInputException">t outside (0, 1] or alpha outside (0, 1).</exception>
    public static double ObrienFlemingAlphaSpent(double informationFraction, double alpha = 0.05)
    {
        if (!(informationFraction > 0 && informationFraction <= 1))
        {
            throw new AnalysisInputException("informationFraction", $"informationFraction must be in (0, 1], got {Guard.Format(informationFraction)}.");
        }

        Guard.InOpenUnitInterval(alpha, "alpha");
        var boundary = StandardNormal.Quantile(1 - (alpha / 2)) / Math.Sqrt(informationFraction);
        return StandardNormal.TwoSidedPValue(boundary);
    }

    /// <summary>The non-missing values of a group; at least two, all finite.</summary>
    private static double[] PresentValues(IReadOnlyList<double> values, string field)
    {
        var present = new List<double>(values.Count);
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                present.Add(value);
            }
        }

        Guard.AllFinite(present, field);
        if (present.Count < 2)
        {
            throw new AnalysisInputException(field, $"{field} needs at least two non-missing values, got {present.Count}.");
        }

        return present.ToArray();
    }

    private static void RequireValid(Proportion proportion, string field)
    {
        if (proportion.Trials <= 0)
        {
            throw new AnalysisInputException($"{field}.trials", $"{field}.trials must be positive, got {proportion.Trials}.");
        }

        if (proportion.Successes < 0 || proportion.Successes > proportion.Trials)
        {
            throw new AnalysisInputException($"{field}.successes", $"{field}.successes must be between 0 and {field}.trials ({proportion.Trials}), got {proportion.Successes}.");
        }
    }
}
