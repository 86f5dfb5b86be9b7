using Portal.Analysis.Alerting;
using Portal.Analysis.Slo;

namespace Portal.Analysis.Tests.Slo;

public class SloBurnAlertsTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Events per minute over the last three days: <paramref name="badPerMinute"/>(minutes ago) bad of 1000.</summary>
    private static IReadOnlyList<BurnRateAlert> Alerts(Func<int, long> badPerMinute, double target = 99.9)
    {
        var minutes = 3 * 24 * 60;
        var good = new long[minutes];
        var total = new long[minutes];
        for (var i = 0; i < minutes; i++)
        {
            total[i] = 1000;
            good[i] = 1000 - badPerMinute(minutes - i);
        }

        var series = new SloEventSeries(Now.AddMinutes(-minutes), good, total);
        var allowed = (100 - target) / 100;
        return SloEvaluator.AlertsFor(BurnRateAlertRule.ForWindow(30), SloEvaluator.BurnRatesAt(series, Now, allowed), allowed);
    }

    [Theory]
    [InlineData(10)]   // 1% errors: burn 10, the ticket pairs fire, the page pairs do not
    [InlineData(20)]   // burn 20: both page pairs fire too
    [InlineData(1)]    // burn 1: nothing fires (the 3d & 6h pair needs strictly above 1)
    public void The_alert_value_is_above_one_exactly_when_a_pair_of_its_severity_fires(long bad)
    {
        var alerts = Alerts(_ => bad);
        foreach (var severity in new[] { BurnAlertSeverity.Page, BurnAlertSeverity.Ticket })
        {
            var firing = alerts.Where(a => a.Rule.Severity == severity).Any(a => a.Firing);
            Assert.Equal(firing, SloBurnAlerts.Value(alerts, severity) > 1);
        }
    }

    [Fact]
    public void The_value_is_the_slower_window_of_the_worst_pair_over_its_threshold()
    {
        // Errors only in the last 10 minutes: 5m burns 20, 1h 20/6; the 6h & 30m pair is weaker.
        var alerts = Alerts(ago => ago <= 10 ? 20 : 0);
        var oneHour = 20.0 * 10 / 60;
        Assert.Equal(oneHour / 14.4, SloBurnAlerts.Value(alerts, BurnAlertSeverity.Page)!.Value, 12);
        Assert.False(SloBurnAlerts.Value(alerts, BurnAlertSeverity.Page) > 1);
    }

    [Fact]
    public void A_firing_page_alert_inhibits_the_ticket_alert_of_the_same_slo_only()
    {
        static AlertIdentity Slo(string rule, string slo, string kind, AlertSeverity severity, string model = "churn") =>
            new(rule, model, severity, new Dictionary<string, string> { [AlertSuppression.SloLabel] = slo, [AlertSuppression.SloAlertLabel] = kind });

        // Severities switched per SLO: a warning page still inhibits an info ticket.
        var page = new AlertSnapshot(Slo("SLO churn/availability page", "availability", "page", AlertSeverity.Warning), AlertState.Firing);
        var ticket = Slo("SLO churn/availability ticket", "availability", "ticket", AlertSeverity.Info);
        Assert.Same(page, AlertSuppression.InhibitedBy(ticket, [page]));
        Assert.Contains("page alert", AlertSuppression.Decide(ticket, [page], [], Now).Reason);

        Assert.Null(AlertSuppression.InhibitedBy(Slo("SLO churn/latency ticket", "latency", "ticket", AlertSeverity.Info), [page]));
        Assert.Null(AlertSuppression.InhibitedBy(Slo("SLO fraud/availability ticket", "availability", "ticket", AlertSeverity.Info, "fraud"), [page]));
        Assert.Null(AlertSuppression.InhibitedBy(ticket, [page with { State = AlertState.Pending }]));
    }
}
