using System.Globalization;

namespace Portal.Web.Infrastructure.Dashboards;

/// <summary>Traffic-light level of one signal; <see cref="Unknown"/> (grey) when there is nothing to judge by.</summary>
public enum HealthLevel
{
    Unknown,
    Green,
    Amber,
    Red,
}

/// <summary>
/// The green / amber / red rules of the dashboards, in one place (docs/dashboards.md: "Status colours").
/// Every rule answers <see cref="HealthLevel.Unknown"/> when the data cannot support a verdict.
/// </summary>
public static class StatusRules
{
    /// <summary>Fewest predictions (this window or last week's) that make a traffic comparison meaningful.</summary>
    public const long MinTrafficForComparison = 20;

    /// <summary>Fewest labelled predictions that make an accuracy figure meaningful.</summary>
    public const long MinLabelled = 30;

    /// <summary>Room for rounding when a figure sits exactly on a limit (0.92 − 0.90 is 0.0200000000000000018).</summary>
    private const double Tolerance = 1e-9;

    public const double ErrorRateAmber = 0.01;
    public const double ErrorRateRed = 0.05;

    /// <summary>
    /// Request rate against the same window a week earlier: green within ×0.5…×2, amber within ×0.25…×4, red beyond
    /// (traffic that stopped is red). Unknown when last week had fewer than <see cref="MinTrafficForComparison"/>
    /// predictions (nothing to compare with).
    /// </summary>
    public static HealthLevel Traffic(long current, long lastWeek)
    {
        if (lastWeek < MinTrafficForComparison)
        {
            return HealthLevel.Unknown;
        }

        var ratio = (double)current / lastWeek;
        return ratio is >= 0.5 and <= 2 ? HealthLevel.Green
            : ratio is >= 0.25 and <= 4 ? HealthLevel.Amber
            : HealthLevel.Red;
    }

    /// <summary>Failed inferences / predictions: green below 1 %, amber below 5 %, red from 5 %. Unknown without traffic.</summary>
    public static HealthLevel ErrorRate(long errors, long predictions)
    {
        if (predictions == 0)
        {
            return HealthLevel.Unknown;
        }

        var rate = (double)errors / predictions;
        return rate < ErrorRateAmber ? HealthLevel.Green : rate < ErrorRateRed ? HealthLevel.Amber : HealthLevel.Red;
    }

    /// <summary>
    /// Latency against a latency SLO ("<paramref name="targetPercent"/> % of requests within the bound"): the share of
    /// requests over the bound is compared with the error budget 1 − target. Green while it stays within the budget,
    /// amber up to twice the budget (burning it twice as fast as allowed), red beyond. Unknown without an SLO or latencies.
    /// </summary>
    public static HealthLevel Latency(double? slowShare, double? targetPercent)
    {
        if (slowShare is not { } slow || targetPercent is not { } target)
        {
            return HealthLevel.Unknown;
        }

        var budget = Math.Max(1 - (target / 100), 1e-9);
        return slow <= budget + Tolerance ? HealthLevel.Green : slow <= (2 * budget) + Tolerance ? HealthLevel.Amber : HealthLevel.Red;
    }

    /// <summary>
    /// Accuracy on labelled predictions. With an accuracy SLO: green at or above its target, amber up to 5 points below,
    /// red further below. Without one, against the previous 7 days: green when it dropped at most 2 points, amber at most
    /// 5, red more. Unknown below <see cref="MinLabelled"/> labels (or without SLO and baseline).
    /// </summary>
    public static HealthLevel Accuracy(double? accuracy, long labelled, double? targetPercent, double? baseline, long baselineLabelled)
    {
        if (accuracy is not { } value || labelled < MinLabelled)
        {
            return HealthLevel.Unknown;
        }

        if (targetPercent is { } target)
        {
            var gap = (target / 100) - value;
            return gap <= Tolerance ? HealthLevel.Green : gap <= 0.05 + Tolerance ? HealthLevel.Amber : HealthLevel.Red;
        }

        if (baseline is not { } before || baselineLabelled < MinLabelled)
        {
            return HealthLevel.Unknown;
        }

        var drop = before - value;
        return drop <= 0.02 + Tolerance ? HealthLevel.Green : drop <= 0.05 + Tolerance ? HealthLevel.Amber : HealthLevel.Red;
    }

    /// <summary>
    /// Regression error (MAE) on labelled predictions against the previous 7 days: green up to 10 % worse, amber up to
    /// 25 % worse, red beyond. Unknown below <see cref="MinLabelled"/> labels on either side.
    /// </summary>
    public static HealthLevel RegressionError(double? mae, long labelled, double? baselineMae, long baselineLabelled)
    {
        if (mae is not { } value || labelled < MinLabelled || baselineMae is not { } before || baselineLabelled < MinLabelled)
        {
            return HealthLevel.Unknown;
        }

        var ratio = before <= 0 ? (value <= 0 ? 1 : double.PositiveInfinity) : value / before;
        return ratio <= 1.1 + Tolerance ? HealthLevel.Green : ratio <= 1.25 + Tolerance ? HealthLevel.Amber : HealthLevel.Red;
    }

    /// <summary>
    /// An SLO's verdict from the SLO job (one rule for the SLO page and the health card): met green, breached red — but
    /// while the data covers less than the SLO's window (a new SLO or a young model) a breach is amber "breached so far"
    /// and the text says how much of the window has data. No evaluation or no traffic is grey.
    /// </summary>
    public static (HealthLevel Level, string Text) Slo(string? status, double coveredFraction, int windowDays)
    {
        var partial = coveredFraction < 1 - Tolerance;
        var early = partial ? $" (only {Duration(Math.Max(0, coveredFraction) * windowDays * 1440)} of its {windowDays}-day window has data)" : "";
        return status switch
        {
            "Met" => (HealthLevel.Green, "met" + early),
            "Breached" when partial => (HealthLevel.Amber, "breached so far" + early),
            "Breached" => (HealthLevel.Red, "breached"),
            "NoTraffic" => (HealthLevel.Unknown, "no traffic"),
            _ => (HealthLevel.Unknown, "not evaluated"),
        };
    }

    /// <summary>"37 min", "5.5 h", "3 days".</summary>
    public static string Duration(double minutes) =>
        minutes < 120 ? $"{minutes.ToString("0", CultureInfo.InvariantCulture)} min"
        : minutes < 48 * 60 ? $"{(minutes / 60).ToString("0.#", CultureInfo.InvariantCulture)} h"
        : $"{(minutes / 1440).ToString("0.#", CultureInfo.InvariantCulture)} days";

    /// <summary>Active alerts: any critical is red, any other is amber, none is green.</summary>
    public static HealthLevel Alerts(IEnumerable<string> severities)
    {
        var level = HealthLevel.Green;
        foreach (var severity in severities)
        {
            level = Worst(level, string.Equals(severity, "critical", StringComparison.OrdinalIgnoreCase) ? HealthLevel.Red : HealthLevel.Amber);
        }

        return level;
    }

    /// <summary>The worst level; unknown signals do not count unless all are unknown.</summary>
    public static HealthLevel Worst(params IEnumerable<HealthLevel> levels) =>
        levels.DefaultIfEmpty(HealthLevel.Unknown).Max();
}
