namespace Portal.Analysis.Slo;

/// <summary>
/// An SLO's two alerts as an alert rule sees them, the way Sloth writes them: the <em>page</em> alert is the OR of the
/// page pairs (1h &amp; 5m, 6h &amp; 30m), the <em>ticket</em> alert the OR of the ticket pairs (1d &amp; 2h, 3d &amp; 6h).
/// </summary>
public static class SloBurnAlerts
{
    /// <summary>
    /// One number for the alert of <paramref name="severity"/>, compared with "&gt; 1": the highest over its pairs of
    /// min(long rate, short rate) / threshold, i.e. how many times its threshold the slower of the two windows burns.
    /// It is above 1 exactly when one of its pairs fires (<see cref="BurnRateAlert.Firing"/> decides; the quotient
    /// only says by how much). A pair with a zero budget (100% target) that fires counts as <see cref="double.MaxValue"/>.
    /// Null when no pair has a burn rate in both windows (no traffic): no data.
    /// </summary>
    public static double? Value(IReadOnlyList<BurnRateAlert> alerts, BurnAlertSeverity severity)
    {
        double? value = null;
        foreach (var alert in alerts.Where(a => a.Rule.Severity == severity))
        {
            double? pair = alert switch
            {
                { LongRate: { } l, ShortRate: { } s } => Math.Min(l, s) / alert.Rule.Threshold,
                { Firing: true } => double.MaxValue,
                _ => null,
            };
            if (pair is not { } v)
            {
                continue;
            }

            // Keep "value > 1" and "the pair fires" the same decision when the quotient rounds onto 1.
            v = alert.Firing ? Math.Max(v, Math.BitIncrement(1.0)) : Math.Min(v, 1.0);
            value = Math.Max(value ?? double.MinValue, v);
        }

        return value;
    }

    /// <summary>Why the alert of <paramref name="severity"/> fires or not, one clause per pair.</summary>
    public static string Reason(IReadOnlyList<BurnRateAlert> alerts, BurnAlertSeverity severity) =>
        string.Join("; ", alerts.Where(a => a.Rule.Severity == severity).Select(a => $"{a.Rule.LongWindow}&{a.Rule.ShortWindow}: {a.Reason}"));
}
