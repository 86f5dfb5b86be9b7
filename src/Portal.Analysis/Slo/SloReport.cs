namespace Portal.Analysis.Slo;

/// <summary>Whether the SLO holds over its window.</summary>
public enum SloStatus
{
    /// <summary>No events in the window: compliance is undefined, neither met nor breached.</summary>
    NoTraffic,

    /// <summary>Compliance is at or above the target: bad events are within the error budget.</summary>
    Met,

    /// <summary>Compliance is below the target: the error budget is overspent.</summary>
    Breached,
}

/// <summary>
/// The error budget of the window: the bad events the target allows. Fractions are null when the budget is zero
/// (no events yet, or a 100% target): a share of nothing is undefined, and JSON has no ∞.
/// </summary>
/// <param name="AllowedBadFraction">1 − target: 0.001 for 99.9%.</param>
/// <param name="BudgetEvents">AllowedBadFraction × total events of the window.</param>
/// <param name="ConsumedEvents">Bad events of the window.</param>
/// <param name="RemainingEvents">BudgetEvents − ConsumedEvents; negative when overspent.</param>
/// <param name="ConsumedFraction">ConsumedEvents / BudgetEvents; above 1 when overspent.</param>
/// <param name="RemainingFraction">1 − ConsumedFraction; negative when overspent.</param>
public sealed record ErrorBudget(
    double AllowedBadFraction,
    double BudgetEvents,
    long ConsumedEvents,
    double RemainingEvents,
    double? ConsumedFraction,
    double? RemainingFraction);

/// <summary>
/// How fast the budget burns over the trailing <paramref name="Length"/> ending at the evaluation time:
/// <paramref name="Rate"/> = (bad / total) / allowed bad fraction. 1 spends exactly the budget over the SLO window;
/// 14.4 spends 2% of a 30-day budget in one hour. <paramref name="Rate"/> is null when the window has no events or
/// the target is 100% (no budget to divide by). <paramref name="Window"/> is the short name: 5m, 30m, 1h, 2h, 6h, 1d, 3d.
/// </summary>
public sealed record BurnRate(string Window, TimeSpan Length, long GoodEvents, long TotalEvents, double? Rate)
{
    /// <summary>The burn rate of <paramref name="events"/> in one window: (bad / total) / allowed bad fraction.</summary>
    public static BurnRate Of(string window, TimeSpan length, SloCount events, double allowedBadFraction) =>
        new(window, length, events.Good, events.Total,
            events.Total > 0 && allowedBadFraction > 0 ? (double)events.Bad / events.Total / allowedBadFraction : null);
}

/// <summary>Who is told when a burn-rate alert fires.</summary>
public enum BurnAlertSeverity
{
    /// <summary>Wake someone up: the budget is going fast.</summary>
    Page,

    /// <summary>Handle in working hours: a slow, steady burn.</summary>
    Ticket,
}

/// <summary>
/// One multi-window burn-rate alert of the Google SRE workbook: it fires only when the burn rate of both the long
/// window (is it significant?) and the short window (is it still happening?) is above <see cref="Threshold"/>.
/// </summary>
public sealed record BurnRateAlertRule(string Name, BurnAlertSeverity Severity, string LongWindow, string ShortWindow, double Threshold)
{
    /// <summary>
    /// The workbook's four pairs for a 30-day window: 1h &amp; 5m above 14.4 and 6h &amp; 30m above 6 page
    /// (2% and 5% of the budget spent); 1d &amp; 2h above 3 and 3d &amp; 6h above 1 open a ticket (10% each).
    /// </summary>
    public static IReadOnlyList<BurnRateAlertRule> Defaults { get; } = ForWindow(30);

    /// <summary>
    /// The workbook's four pairs for an SLO window of <paramref name="windowDays"/> days. A burn rate b held over a
    /// long window L spends b·L / W of the budget of a window W, so each rule spends the same share of the budget
    /// (2%, 5%, 10%, 10%) only if its 30-day factor is scaled to factor × W / 30 days, as Sloth does:
    /// 28 days gives 13.44, 5.6, 2.8 and 0.933.
    /// </summary>
    public static IReadOnlyList<BurnRateAlertRule> ForWindow(int windowDays)
    {
        var scale = windowDays / 30.0;
        return
        [
            new("page-1h", BurnAlertSeverity.Page, "1h", "5m", 14.4 * scale),
            new("page-6h", BurnAlertSeverity.Page, "6h", "30m", 6 * scale),
            new("ticket-1d", BurnAlertSeverity.Ticket, "1d", "2h", 3 * scale),
            new("ticket-3d", BurnAlertSeverity.Ticket, "3d", "6h", 1 * scale),
        ];
    }
}

/// <summary>A burn-rate alert rule evaluated: <see cref="Firing"/> and why, in words.</summary>
public sealed record BurnRateAlert(BurnRateAlertRule Rule, double? LongRate, double? ShortRate, bool Firing, string Reason);

/// <summary>
/// A point of the burn-down chart: the share of this window's budget still left at <see cref="At"/>.
/// Null when the window's budget is zero.
/// </summary>
public sealed record BurnDownPoint(DateTimeOffset At, long ConsumedEvents, double? RemainingFraction);

/// <summary>
/// An SLO evaluated over [<paramref name="WindowStart"/>, <paramref name="WindowEnd"/>).
/// <paramref name="CompliancePercent"/> is 100 × good / total, null when the window has no events
/// (<paramref name="Status"/> is then <see cref="SloStatus.NoTraffic"/>). <paramref name="CoveredFraction"/> is the
/// share of the window's minutes the input series reaches, below 1 for a partial window. <paramref name="Message"/>
/// says the verdict in a sentence or two, including why compliance is missing or that the window is partial.
/// </summary>
public sealed record SloReport(
    SloDefinition Slo,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    long GoodEvents,
    long TotalEvents,
    double? CompliancePercent,
    SloStatus Status,
    ErrorBudget Budget,
    IReadOnlyList<BurnRate> BurnRates,
    IReadOnlyList<BurnRateAlert> Alerts,
    IReadOnlyList<BurnDownPoint> BurnDown,
    double CoveredFraction,
    string Message)
{
    public bool PartialWindow => CoveredFraction < 1;
}
