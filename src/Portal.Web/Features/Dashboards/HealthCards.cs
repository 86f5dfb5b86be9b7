using System.Globalization;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Features.Dashboards;

/// <summary>What one large status card shows: a title, the main figure, a detail line, a note and its level.</summary>
/// <param name="Aside">A second figure written beside the main one (the request rate's window average).</param>
public sealed record StatusCardModel(string Id, string Title, string Value, string Detail, string Note, HealthLevel Level, string? Aside = null);

/// <summary>The four health cards from the health tab's data.</summary>
public static class HealthCards
{
    public static StatusCardModel Traffic(TrafficHealth t, DashboardWindow window)
    {
        var note = t.LastWeekPredictions == 0
            ? "no traffic at the same time last week to compare with"
            : $"same time last week {Rate(t.LastWeekRatePerMinute)} ({Change(t.Predictions, t.LastWeekPredictions)})";
        var r = t.Rates;
        var aside = t.Predictions == 0 ? "no predictions in this window"
            : $"average {Rate(r.AveragePerMinute)} over {(r.WholeWindow ? (window.IsAbsolute ? "the whole range" : $"the whole {window.Label}") : $"the {Span(r.DataMinutes)} with data")}";
        return new StatusCardModel("card-traffic", window.IsAbsolute ? $"Request rate (its last {TrafficRates.RecentMinutes} min)" : $"Request rate (last {TrafficRates.RecentMinutes} min)", Rate(r.CurrentPerMinute),
            $"{t.Predictions:N0} predictions in {window.Label}", note, t.TrafficLevel, aside);
    }

    /// <summary>"37 min", "5.5 h", "3 days".</summary>
    public static string Span(double minutes) => StatusRules.Duration(minutes);

    public static StatusCardModel Errors(TrafficHealth t) => new(
        "card-errors", "Error rate", t.ErrorRate is { } rate ? Percent(rate, 2) : "—",
        t.Predictions == 0 ? "no predictions" : $"{t.Errors:N0} of {t.Predictions:N0} failed",
        "green below 1 %, red from 5 %", t.ErrorLevel);

    public static StatusCardModel Latency(TrafficHealth t)
    {
        var value = t.P95 is { } p95 ? $"p95 {Ms(p95)}" : "—";
        var detail = t.LatencyCount == 0 ? "no latencies reported" : $"p50 {Ms(t.P50)} · p99 {Ms(t.P99)} (±2 %)";
        var note = t.Slo is { } slo
            ? $"SLO {slo.Name}: {Num(slo.TargetPercent)} % within {Num(slo.BoundMs)} ms; {(t.SlowShare is { } slow ? Percent(1 - slow, 1) : "—")} within in this window"
                + (slo.CompliancePercent is { } compliance ? $", {Num(Math.Round(compliance, 2))} % over the SLO window" : "")
                + (slo.Status is not null ? $"; SLO {StatusRules.Slo(slo.Status, slo.CoveredFraction, slo.WindowDays).Text}" : "")
            : "no latency SLO for this model: define one to colour this card";
        return new StatusCardModel("card-latency", "Latency", value, detail, note, t.LatencyLevel);
    }

    public static StatusCardModel Accuracy(AccuracyHealth a)
    {
        var title = a.Regression ? "Error (MAE) on labels" : "Accuracy on labels";
        var value = a.Value is { } v ? (a.Regression ? v.ToString("G4", CultureInfo.InvariantCulture) : Percent(v, 1)) : "—";
        var detail = a.Labelled == 0
            ? "no labelled predictions yet"
            : $"{a.Labelled:N0} labelled ({(a.Coverage is { } c ? Percent(c, 0) : "—")} of predictions)";
        string note;
        if (a.TargetPercent is { } target)
        {
            note = $"accuracy SLO {Num(target)} %";
        }
        else if (a.Baseline is { } baseline && a.BaselineLabelled >= StatusRules.MinLabelled)
        {
            note = $"previous 7 days {(a.Regression ? baseline.ToString("G4", CultureInfo.InvariantCulture) : Percent(baseline, 1))}";
        }
        else
        {
            note = a.Labelled < StatusRules.MinLabelled ? $"a verdict needs {StatusRules.MinLabelled} labels" : "no earlier labels to compare with";
        }

        return new StatusCardModel("card-accuracy", title, value, detail, note, a.Level);
    }

    /// <summary>
    /// F1 of the positive class with precision and recall, or "—" and why when there is no positive label: recall (and so
    /// F1) is undefined then (the quality job and alert rules count it 0, as scikit-learn's zero_division=0 does).
    /// </summary>
    public static (string Value, string Note) F1(QualityStats q)
    {
        if (q.F1 is not { } f1)
        {
            return ("—", "no labels yet");
        }

        if (q.TruePositives + q.FalseNegatives == 0)
        {
            return ("—", $"no positive labels (class 1) among {q.Labelled:N0}: recall and F1 are undefined");
        }

        var precision = q.TruePositives + q.FalsePositives == 0 ? "— (nothing predicted positive)" : Percent(q.Precision!.Value, 1);
        return (Percent(f1, 1), $"precision {precision} · recall {Percent(q.Recall!.Value, 1)}");
    }

    public static string LevelText(HealthLevel level) => level switch
    {
        HealthLevel.Green => "healthy",
        HealthLevel.Amber => "warning",
        HealthLevel.Red => "critical",
        _ => "no verdict",
    };

    public static string Rate(double perMinute) =>
        perMinute >= 100 ? $"{perMinute / 60:0.#}/s" : $"{perMinute.ToString(perMinute >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture)}/min";

    public static string Percent(double share, int decimals) => (share * 100).ToString("F" + decimals, CultureInfo.InvariantCulture) + " %";

    private static string Change(long current, long before) =>
        before <= 0 ? "new" : (((double)current / before) - 1).ToString("+0%;-0%;±0%", CultureInfo.InvariantCulture);

    private static string Ms(double? value) => value is { } v ? (v >= 100 ? $"{v:0} ms" : $"{v.ToString("0.#", CultureInfo.InvariantCulture)} ms") : "—";

    private static string Num(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
