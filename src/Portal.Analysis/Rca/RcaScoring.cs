namespace Portal.Analysis.Rca;

/// <summary>
/// How a signal becomes a confidence. Every constant is here so the numbers in a report can be recomputed by hand.
/// <list type="number">
/// <item><b>Standardised change z</b>: (current − baseline) / spread, where spread is the signal's
/// <see cref="SignalChange.BaselineSpread"/> when given, else its default scale: drift share
/// <see cref="DriftShareScale"/>, PSI <see cref="PsiScale"/>, CPU/memory <see cref="PercentPointScale"/> points,
/// data quality rates <see cref="RateScale"/>. Latency and traffic without a spread use the ratio:
/// z = log2(current / baseline) / <see cref="Log2RatioScale"/>, so doubling is z = 2. Only the harmful direction
/// counts (a latency drop explains nothing), except traffic, where a drop counts like a rise. z is clamped to
/// [0, <see cref="MaxStandardizedChange"/>]. CPU or memory newly at or above <see cref="SaturationPercent"/>% is at
/// least z = <see cref="NotableChange"/>: saturation matters however small the step into it. A signal with several
/// measurements (infrastructure, data quality) takes its largest z.</item>
/// <item><b>Timing proximity p</b> in [0, 1]: 1 when the change started within <see cref="RecentWindow"/> before the
/// alert started, falling linearly to 0 at <see cref="FadeOutWindow"/> before it; 0 when unknown or after the alert
/// (an effect does not precede its cause).</item>
/// <item><b>Confidence</b> = logistic(<see cref="Slope"/> × (z − <see cref="NotableChange"/>) + <see cref="TimingWeight"/> × p).
/// A notable change (z = 2) alone gives 0.5; the same change starting just before the alert gives 0.88; no change
/// gives 0.05.</item>
/// <item><b>Deployment</b> has no magnitude: confidence = logistic(<see cref="DeploymentBase"/> + 2 × <see cref="TimingWeight"/> × p),
/// 0.88 for a deployment within the hour before the alert, 0.12 for an old one.</item>
/// </list>
/// </summary>
public static class RcaScoring
{
    public const double DriftShareScale = 0.1;
    public const double PsiScale = 0.1;
    public const double PercentPointScale = 15;
    public const double RateScale = 0.05;
    public const double Log2RatioScale = 0.5;
    public const double SaturationPercent = 90;
    public const double MaxStandardizedChange = 6;
    public const double NotableChange = 2;
    public const double Slope = 1.5;
    public const double TimingWeight = 2;
    public const double DeploymentBase = -2;

    /// <summary>The primary cause needs at least this confidence; below it the verdict is <see cref="CauseKind.Unknown"/>.</summary>
    public const double StandsOut = 0.5;

    public static readonly TimeSpan RecentWindow = TimeSpan.FromHours(1);
    public static readonly TimeSpan FadeOutWindow = TimeSpan.FromHours(6);

    /// <summary>logistic(Slope × (z − NotableChange) + TimingWeight × p).</summary>
    public static double Confidence(double standardizedChange, double proximity) =>
        Logistic((Slope * (standardizedChange - NotableChange)) + (TimingWeight * proximity));

    /// <summary>logistic(DeploymentBase + 2 × TimingWeight × p).</summary>
    public static double DeploymentConfidence(double proximity) => Logistic(DeploymentBase + (2 * TimingWeight * proximity));

    /// <summary>How close before the alert a change started; see the class summary.</summary>
    public static double Proximity(DateTimeOffset? changeStartedAt, DateTimeOffset alertStartedAt)
    {
        if (changeStartedAt is not { } started || started > alertStartedAt)
        {
            return 0;
        }

        var lead = alertStartedAt - started;
        if (lead <= RecentWindow)
        {
            return 1;
        }

        return lead >= FadeOutWindow ? 0 : 1 - ((lead - RecentWindow) / (FadeOutWindow - RecentWindow));
    }

    /// <summary>z for a quantity where only a rise is harmful, with <paramref name="scale"/> when no spread is known.</summary>
    public static double Rise(SignalChange change, double scale) =>
        Clamp((change.Current - change.Baseline) / (change.BaselineSpread ?? scale));

    /// <summary>
    /// z for a rate-like quantity judged by its ratio to the baseline (latency, traffic). With
    /// <paramref name="bothWays"/>, a fall counts like a rise. A zero baseline with a non-zero current (or, both ways,
    /// a zero current with a non-zero baseline) is the largest change.
    /// </summary>
    public static double RatioChange(SignalChange change, bool bothWays)
    {
        double z;
        if (change.BaselineSpread is { } spread)
        {
            z = (change.Current - change.Baseline) / spread;
        }
        else if (change.Baseline == 0 || change.Current == 0)
        {
            z = change.Current == change.Baseline ? 0 : change.Current > 0 ? MaxStandardizedChange : -MaxStandardizedChange;
        }
        else
        {
            z = Math.Log2(change.Current / change.Baseline) / Log2RatioScale;
        }

        return Clamp(bothWays ? Math.Abs(z) : z);
    }

    private static double Clamp(double z) => Math.Clamp(z, 0, MaxStandardizedChange);

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
}
