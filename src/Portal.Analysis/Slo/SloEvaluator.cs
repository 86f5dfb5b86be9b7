using Portal.Analysis.Common;

namespace Portal.Analysis.Slo;

/// <summary>
/// Compliance, error budget, burn rates, burn-rate alerts and the burn-down series of one SLO at one time.
/// Pure: the caller passes the evaluation time and the per-minute events.
/// </summary>
public static class SloEvaluator
{
    /// <summary>The trailing windows burn rates are reported for, shortest first.</summary>
    public static IReadOnlyList<(string Name, TimeSpan Length)> BurnWindows { get; } =
    [
        ("5m", TimeSpan.FromMinutes(5)),
        ("30m", TimeSpan.FromMinutes(30)),
        ("1h", TimeSpan.FromHours(1)),
        ("2h", TimeSpan.FromHours(2)),
        ("6h", TimeSpan.FromHours(6)),
        ("1d", TimeSpan.FromDays(1)),
        ("3d", TimeSpan.FromDays(3)),
    ];

    /// <summary>
    /// Compliance over the window [<paramref name="now"/> − window, <paramref name="now"/>) is
    /// good / total of the minutes starting in it; minutes at or after <paramref name="now"/> are ignored (a node
    /// whose clock runs ahead must not count the future). A window the series only partly reaches is evaluated on
    /// the events it has and reported with <see cref="SloReport.CoveredFraction"/> below 1.
    /// <para>Met means compliance ≥ target. Compliance is 100 × good / total with a single rounding (the product is
    /// an exact integer), so 999 of 1000 is exactly the double 99.9 and meets a 99.9% target. No events means <see cref="SloStatus.NoTraffic"/> and a null compliance, never NaN.</para>
    /// <para>Burn rate of a trailing window = (bad / total) / (1 − target). A burn-rate alert fires when the
    /// long and the short window are both strictly above its threshold. A window without events does not exceed any
    /// threshold. With a 100% target there is no budget: burn rates are null and a window "exceeds" as soon as it
    /// has a bad event (any bad event burns an empty budget infinitely fast).</para>
    /// <para>The burn-down series runs from the window start to <paramref name="now"/> every
    /// <paramref name="burnDownStep"/> (default 1 hour), plus a last point at <paramref name="now"/>; each point is
    /// 1 − bad events so far in the window / this window's budget, so it starts at 1 and ends at
    /// <see cref="ErrorBudget.RemainingFraction"/>.</para>
    /// </summary>
    /// <param name="slo">The SLO; validated first.</param>
    /// <param name="series">Per-minute good/total events; may start before the window or inside it.</param>
    /// <param name="now">The evaluation time, the end of every window.</param>
    /// <param name="burnDownStep">Spacing of the burn-down points; at least one minute.</param>
    /// <param name="alertRules">Burn-rate alert rules; null means the workbook's four for the SLO's window (<see cref="BurnRateAlertRule.ForWindow"/>).</param>
    public static SloReport Evaluate(
        SloDefinition slo,
        SloEventSeries series,
        DateTimeOffset now,
        TimeSpan? burnDownStep = null,
        IReadOnlyList<BurnRateAlertRule>? alertRules = null)
    {
        slo.Validate();
        var step = burnDownStep ?? TimeSpan.FromHours(1);
        if (step < TimeSpan.FromMinutes(1))
        {
            throw new AnalysisInputException("burnDownStep", "must be at least one minute");
        }

        var windowStart = now - slo.Window;
        var events = series.Between(windowStart, now);
        var allowed = slo.AllowedBadFraction;

        double? compliance = events.Total == 0 ? null : 100.0 * events.Good / events.Total;
        var status = compliance switch
        {
            null => SloStatus.NoTraffic,
            _ when compliance >= slo.TargetPercent => SloStatus.Met,
            _ => SloStatus.Breached,
        };

        var budget = Budget(allowed, events);
        var burnRates = BurnRatesAt(series, now, allowed);
        var alerts = AlertsFor(alertRules ?? BurnRateAlertRule.ForWindow(slo.WindowDays), burnRates, allowed);
        var burnDown = BurnDown(series, windowStart, now, step, budget.BudgetEvents);
        var covered = (double)series.MinutesBetween(windowStart, now) / (slo.WindowDays * 24 * 60);

        return new SloReport(
            slo,
            windowStart,
            now,
            events.Good,
            events.Total,
            compliance,
            status,
            budget,
            burnRates,
            alerts,
            burnDown,
            covered,
            Message(slo, status, compliance, budget, covered));
    }

    private static ErrorBudget Budget(double allowed, SloCount events)
    {
        var budgetEvents = allowed * events.Total;
        double? consumed = budgetEvents > 0 ? events.Bad / budgetEvents : null;
        return new ErrorBudget(allowed, budgetEvents, events.Bad, budgetEvents - events.Bad, consumed, 1 - consumed);
    }

    /// <summary>
    /// The burn rate of every window of <see cref="BurnWindows"/> ending at <paramref name="now"/>: the SLO job, the
    /// per-minute SLI history that alerting reads, and the preview all call this one function.
    /// </summary>
    public static IReadOnlyList<BurnRate> BurnRatesAt(SloEventSeries series, DateTimeOffset now, double allowedBadFraction)
    {
        var rates = new List<BurnRate>(BurnWindows.Count);
        foreach (var (name, length) in BurnWindows)
        {
            rates.Add(BurnRate.Of(name, length, series.Between(now - length, now), allowedBadFraction));
        }

        return rates;
    }

    /// <summary>
    /// The multi-window alert rules evaluated on burn rates (<see cref="BurnRatesAt"/>, or the same read back from the
    /// SLI history): each fires when both its windows are strictly above its threshold.
    /// </summary>
    public static IReadOnlyList<BurnRateAlert> AlertsFor(IReadOnlyList<BurnRateAlertRule> rules, IReadOnlyList<BurnRate> rates, double allowed)
    {
        var alerts = new List<BurnRateAlert>(rules.Count);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (!double.IsFinite(rule.Threshold) || rule.Threshold <= 0)
            {
                throw new AnalysisInputException($"alertRules[{i}].threshold", "must be a positive number");
            }

            var longRate = Find(rates, rule.LongWindow, $"alertRules[{i}].longWindow");
            var shortRate = Find(rates, rule.ShortWindow, $"alertRules[{i}].shortWindow");
            var longExceeds = Exceeds(longRate, rule.Threshold, allowed);
            var shortExceeds = Exceeds(shortRate, rule.Threshold, allowed);
            var firing = longExceeds && shortExceeds;

            var threshold = Display.Number(rule.Threshold);
            string reason;
            if (firing)
            {
                var action = rule.Severity == BurnAlertSeverity.Page ? "page" : "ticket";
                reason = allowed > 0
                    ? $"{rule.LongWindow} burn rate {Display.Number(longRate.Rate!.Value)} and {rule.ShortWindow} burn rate " +
                      $"{Display.Number(shortRate.Rate!.Value)} are both above {threshold}: {action}"
                    : $"{rule.LongWindow} and {rule.ShortWindow} windows both have bad events against a zero budget: {action}";
            }
            else
            {
                var quiet = new List<string>(2);
                if (!longExceeds)
                {
                    quiet.Add(WhyNotExceeding(longRate, threshold));
                }

                if (!shortExceeds)
                {
                    quiet.Add(WhyNotExceeding(shortRate, threshold));
                }

                reason = string.Join("; ", quiet);
            }

            alerts.Add(new BurnRateAlert(rule, longRate.Rate, shortRate.Rate, firing, reason));
        }

        return alerts;
    }

    private static BurnRate Find(IReadOnlyList<BurnRate> rates, string window, string field)
    {
        foreach (var rate in rates)
        {
            if (rate.Window == window)
            {
                return rate;
            }
        }

        throw new AnalysisInputException(field, $"unknown window '{window}'; use one of 5m, 30m, 1h, 2h, 6h, 1d, 3d");
    }

    private static bool Exceeds(BurnRate rate, double threshold, double allowed)
    {
        if (rate.TotalEvents == 0)
        {
            return false;
        }

        // A 100% target has no budget to divide by: any bad event burns it infinitely fast.
        return allowed > 0 ? rate.Rate > threshold : rate.TotalEvents > rate.GoodEvents;
    }

    private static string WhyNotExceeding(BurnRate rate, string threshold) => rate switch
    {
        { TotalEvents: 0 } => $"{rate.Window} window has no events",
        { Rate: { } value } => $"{rate.Window} burn rate {Display.Number(value)} is not above {threshold}",
        _ => $"{rate.Window} window has no bad events",
    };

    private static List<BurnDownPoint> BurnDown(
        SloEventSeries series, DateTimeOffset windowStart, DateTimeOffset now, TimeSpan step, double budgetEvents)
    {
        var points = new List<BurnDownPoint>();
        for (var at = windowStart; at < now; at += step)
        {
            points.Add(Point(at));
        }

        points.Add(Point(now));
        return points;

        BurnDownPoint Point(DateTimeOffset at)
        {
            var consumed = series.Between(windowStart, at).Bad;
            return new BurnDownPoint(at, consumed, budgetEvents > 0 ? 1 - (consumed / budgetEvents) : null);
        }
    }

    private static string Message(SloDefinition slo, SloStatus status, double? compliance, ErrorBudget budget, double covered)
    {
        var window = $"{slo.WindowDays}-day window";
        var target = $"{Display.Number(slo.TargetPercent)}% target";
        var verdict = status switch
        {
            SloStatus.NoTraffic => $"No events in the {window}, so compliance is undefined.",
            // The status comes from compliance; the remaining fraction can sit a rounding step below 0 at the boundary.
            SloStatus.Met when budget.RemainingFraction is { } remaining =>
                $"{Display.Number(compliance!.Value)}% good against a {target}; {Display.Percent(Math.Max(0, remaining))} of the error budget remains.",
            SloStatus.Met => $"{Display.Number(compliance!.Value)}% good against a {target}; no bad events, so the zero budget is intact.",
            _ => $"{Display.Number(compliance!.Value)}% good against a {target}; the error budget is overspent: " +
                 $"{budget.ConsumedEvents} bad events against a budget of {Display.Number(budget.BudgetEvents)}.",
        };

        return covered < 1
            ? $"{verdict} The data covers {Display.Percent(covered)} of the {window}."
            : verdict;
    }
}
