using Portal.Analysis.Common;

namespace Portal.Analysis.Experiments;

/// <summary>
/// Asymptotic confidence sequences (Waudby-Smith, Ramdas et al. 2023, arXiv 2103.06476v7; Howard et al. 2021),
/// as GrowthBook's sequential testing uses them: intervals that hold at every sample size at once, so an experiment
/// may be watched and stopped at any analysis while P(an interval ever excludes the true effect) stays ≤ α.
/// </summary>
/// <remarks>
/// With n = units in both arms, the effect's variance V and s² = V·n (the per-unit variance), the two-sided
/// half-width is √s² · √(2(nρ² + 1)·ln(√(nρ² + 1) / α) / (nρ)²) (eq. 9), with
/// ρ = √((−2 ln α + ln(−2 ln α + 1)) / N*) (eq. 161). The tuning parameter N* is the sample size (both arms)
/// at which the sequence is narrowest relative to the fixed interval; GrowthBook's default is 5000. Smaller N*
/// favours early stopping, larger N* long experiments; the guarantee holds for every N*.
/// The always-valid p-value is 1/e with e = exp(ρ²·n·z²/(2(nρ² + 1))) / √(nρ² + 1) (eq. 155), z = estimate/SE:
/// p &lt; α exactly when the interval excludes 0.
/// </remarks>
public static class ConfidenceSequences
{
    /// <summary>GrowthBook's <c>sequentialTuningParameter</c> default.</summary>
    public const double DefaultTuningParameter = 5000;

    /// <summary>ρ of eq. 161 (two-sided α; a one-sided sequence uses 2α).</summary>
    public static double Rho(double alpha, double tuningParameter, bool twoSided = true)
    {
        Guard.InOpenUnitInterval(alpha, "alpha");
        RequireTuning(tuningParameter);
        var a = twoSided ? alpha : 2 * alpha;
        return Math.Sqrt(((-2 * Math.Log(a)) + Math.Log((-2 * Math.Log(a)) + 1)) / tuningParameter);
    }

    /// <summary>Two-sided half-width for an effect with variance <paramref name="variance"/> after <paramref name="n"/> units.</summary>
    public static double HalfWidth(double variance, long n, double alpha, double tuningParameter = DefaultTuningParameter)
    {
        RequireN(n);
        var rho = Rho(alpha, tuningParameter);
        var s2 = variance * n;
        var nr2 = n * rho * rho;
        var nRho = n * rho;
        return Math.Sqrt(s2) * Math.Sqrt(2 * (nr2 + 1) * Math.Log(Math.Sqrt(nr2 + 1) / alpha) / (nRho * nRho));
    }

    /// <summary>One-sided half-width (eq. 134): the bound estimate − h (or + h) holds at every n with probability 1 − α.</summary>
    public static double OneSidedHalfWidth(double variance, long n, double alpha, double tuningParameter = DefaultTuningParameter)
    {
        RequireN(n);
        if (!(alpha > 0 && alpha < 0.5))
        {
            throw new AnalysisInputException("alpha", $"a one-sided confidence sequence needs alpha in (0, 0.5), got {Guard.Format(alpha)}.");
        }

        var rho = Rho(alpha, tuningParameter, twoSided: false);
        var nr2 = n * rho * rho;
        var nRho = n * rho;
        return Math.Sqrt(variance * n * (2 * (nr2 + 1) / (nRho * nRho)) * Math.Log(1 + (Math.Sqrt(nr2 + 1) / (2 * alpha))));
    }

    /// <summary>The always-valid two-sided interval and p-value of an effect after <paramref name="n"/> units (both arms).</summary>
    public static EffectInterval Interval(Effect effect, long n, double alpha, double tuningParameter = DefaultTuningParameter)
    {
        var h = HalfWidth(effect.Variance, n, alpha, tuningParameter);
        return new EffectInterval(effect.Estimate - h, effect.Estimate + h, PValue(effect, n, alpha, tuningParameter));
    }

    /// <summary>Always-valid p-value of "no effect" (eq. 155), capped at 1.</summary>
    public static double PValue(Effect effect, long n, double alpha, double tuningParameter = DefaultTuningParameter)
    {
        RequireN(n);
        if (!(effect.Variance > 0))
        {
            return effect.Estimate == 0 ? 1 : 0;
        }

        var rho = Rho(alpha, tuningParameter);
        var st2 = effect.Estimate * effect.Estimate * n / effect.Variance;
        var tr2p1 = (n * rho * rho) + 1;
        var logE = (rho * rho * st2 / (2 * tr2p1)) - (0.5 * Math.Log(tr2p1));
        return Math.Min(1, Math.Exp(-logE));
    }

    private static void RequireN(long n)
    {
        if (n < 1)
        {
            throw new AnalysisInputException("n", $"needs at least one unit, got {n}.");
        }
    }

    private static void RequireTuning(double tuningParameter)
    {
        if (!(tuningParameter > 0 && double.IsFinite(tuningParameter)))
        {
            throw new AnalysisInputException("sequentialTuningParameter", $"must be a positive number, got {Guard.Format(tuningParameter)}.");
        }
    }
}
