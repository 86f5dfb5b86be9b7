using System.Globalization;
using System.Text.RegularExpressions;
using Portal.Analysis.Slo;
using Portal.Data.Entities.Jobs;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using SloDefinition = Portal.Data.Entities.Jobs.SloDefinition;
using SloKind = Portal.Data.Entities.Jobs.SloKind;

namespace Portal.Web.Features.Slos;

/// <summary>
/// Sloth-compatible Prometheus rules for the portal's SLOs, over the metrics the portal exports on <c>/metrics</c>
/// (<c>ml_requests_total</c>, <c>ml_errors_total</c>, <c>ml_request_duration_seconds</c>, label <c>model_name</c>). Per
/// SLO, as Sloth generates them: a group of SLI recording rules (<c>slo:sli_error:ratio_rate&lt;window&gt;</c> for every
/// burn window and the SLO period), a group of meta recordings (objective, error budget, current and period burn rate,
/// budget remaining, <c>sloth_slo_info</c>) and a group with the page and ticket multi-window alerts, with the thresholds
/// the portal itself uses (<see cref="BurnRateAlertRule.ForWindow"/>). Throughput SLOs first record whether the last
/// minute was bad (<c>slo:sli_error:ratio_rate1m</c>), and their windows average it. Accuracy SLOs are left out, with the
/// reason in <see cref="Result.Skipped"/>: <c>/metrics</c> has no counters of labelled and correct predictions.
/// </summary>
public static partial class SloPrometheusRules
{
    public sealed record Result(string Yaml, IReadOnlyList<string> Skipped);

    /// <summary>The upper bounds (seconds) of <c>ml_request_duration_seconds</c>; a latency SLO uses the largest within its bound.</summary>
    public static readonly double[] LatencyBuckets = Metrics.PortalMetrics.LatencyBucketsSeconds;

    private static readonly string[] SliWindows = SloEvaluator.BurnWindows.Select(w => w.Name).ToArray();

    public static Result Generate(IReadOnlyList<(string Model, SloDefinition Slo)> slos)
    {
        var groups = new List<Group>();
        var skipped = new List<string>();
        foreach (var (model, slo) in slos.Where(s => s.Slo.Enabled))
        {
            var id = $"{model}-{slo.Name}";
            var labels = new Dictionary<string, string> { ["sloth_id"] = id, ["sloth_service"] = model, ["sloth_slo"] = slo.Name };
            var selector = "{" + string.Join(", ", labels.Select(l => $"{l.Key}=\"{Escape(l.Value)}\"")) + "}";
            var (ratio, minute, reason) = RatioExpression(model, slo, selector);
            if (ratio is null)
            {
                skipped.Add($"{model}/{slo.Name} ({slo.Kind.ToString().ToLowerInvariant()}: {reason})");
                continue;
            }

            var period = $"{slo.WindowDays}d";
            var objective = slo.TargetPercent / 100;
            var budget = (100 - slo.TargetPercent) / 100;

            var sli = minute is null ? [] : new List<Rule> { Record("slo:sli_error:ratio_rate1m", minute, With(labels, ("sloth_window", "1m"))) };
            sli.AddRange(SliWindows.Select(w => Record($"slo:sli_error:ratio_rate{w}", ratio(w), With(labels, ("sloth_window", w)))));
            sli.Add(Record($"slo:sli_error:ratio_rate{period}",
                $"sum_over_time(slo:sli_error:ratio_rate5m{selector}[{period}]) / ignoring (sloth_window) count_over_time(slo:sli_error:ratio_rate5m{selector}[{period}])",
                With(labels, ("sloth_window", period))));
            groups.Add(new Group($"sloth-slo-sli-recordings-{id}", sli));

            const string on = "on(sloth_id, sloth_slo, sloth_service) group_left";
            groups.Add(new Group($"sloth-slo-meta-recordings-{id}",
            [
                Record("slo:objective:ratio", $"vector({Number(objective)})", labels),
                Record("slo:error_budget:ratio", $"vector(1-{Number(objective)})", labels),
                Record("slo:time_period:days", $"vector({slo.WindowDays})", labels),
                Record("slo:current_burn_rate:ratio", $"slo:sli_error:ratio_rate5m{selector} / {on} slo:error_budget:ratio{selector}", labels),
                Record("slo:period_burn_rate:ratio", $"slo:sli_error:ratio_rate{period}{selector} / {on} slo:error_budget:ratio{selector}", labels),
                Record("slo:period_error_budget_remaining:ratio", $"1 - slo:period_burn_rate:ratio{selector}", labels),
                Record("sloth_slo_info", "vector(1)", With(labels, ("sloth_mode", "portal-export"), ("sloth_objective", Number(slo.TargetPercent)), ("sloth_spec", "prometheus/v1"))),
            ]));

            var alerts = SloAlertRules.Alerts.Select(severity =>
            {
                var kind = severity.ToString().ToLowerInvariant();
                var pairs = BurnRateAlertRule.ForWindow(slo.WindowDays).Where(p => p.Severity == severity);
                var expr = string.Join(" or ", pairs.Select(p =>
                    $"(max(slo:sli_error:ratio_rate{p.ShortWindow}{selector} > ({Number(p.Threshold)} * {Number(budget)})) without (sloth_window)" +
                    $" and max(slo:sli_error:ratio_rate{p.LongWindow}{selector} > ({Number(p.Threshold)} * {Number(budget)})) without (sloth_window))"));
                return new Rule
                {
                    Alert = $"{Sanitize(model)}_{Sanitize(slo.Name)}_{kind}_burn",
                    Expr = expr,
                    Labels = new Dictionary<string, string> { ["sloth_severity"] = kind, ["severity"] = (severity == BurnAlertSeverity.Page ? slo.PageSeverity : slo.TicketSeverity).ToLowerInvariant() },
                    Annotations = new Dictionary<string, string>
                    {
                        ["title"] = $"({kind}) {model} {slo.Name} SLO error budget burn rate is too fast.",
                        ["summary"] = $"{{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is over the expected ({kind}).",
                    },
                };
            }).ToList();
            groups.Add(new Group($"sloth-slo-alerts-{id}", alerts));
        }

        var serializer = new SerializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
            .Build();
        return new Result(serializer.Serialize(new { groups }), skipped);
    }

    /// <summary>
    /// The SLI error ratio over a window, as PromQL; for throughput also the per-minute recording the windows average;
    /// for a kind the metrics cannot express, null and the reason.
    /// </summary>
    private static (Func<string, string>? Ratio, string? Minute, string? Reason) RatioExpression(string model, SloDefinition slo, string selector)
    {
        var m = $"model_name=\"{Escape(model)}\"";
        switch (slo.Kind)
        {
            case SloKind.ErrorRate or SloKind.Availability:
                return (w => $"(sum(rate(ml_errors_total{{{m}}}[{w}])) or vector(0)) / sum(rate(ml_requests_total{{{m}}}[{w}]))", null, null);
            case SloKind.Latency when slo.LatencyBoundMs is { } bound && LatencyBuckets.LastOrDefault(b => b * 1000 <= bound) is > 0 and var le:
                // Like the portal's own count: a request is good only when its whole bucket is within the bound.
                return (w => $"1 - (sum(rate(ml_request_duration_seconds_bucket{{{m}, le=\"{Number(le)}\"}}[{w}])) / sum(rate(ml_request_duration_seconds_count{{{m}}}[{w}])))", null, null);
            case SloKind.Latency:
                return (null, null, $"the bound is under the smallest bucket of ml_request_duration_seconds, {Number(LatencyBuckets[0] * 1000)} ms");
            case SloKind.Throughput when slo.MinRequestsPerMinute is { } min:
                // Every minute is an event, bad when it served fewer than the minimum (SloGoodEvents.Throughput): 1 or 0
                // recorded each evaluation from the last minute's request rate, and a window's ratio is its average.
                return (w => $"avg_over_time(slo:sli_error:ratio_rate1m{selector}[{w}])",
                    $"sum(rate(ml_requests_total{{{m}}}[1m])) * 60 < bool {Number(min)}", null);
            case SloKind.Accuracy:
                // Events are labelled predictions, bad when the predicted class was not the label (SloGoodEvents.Accuracy).
                return (w => $"1 - (sum(rate(ml_correct_predictions_total{{{m}}}[{w}])) / sum(rate(ml_labelled_predictions_total{{{m}}}[{w}])))", null, null);
            default:
                return (null, null, "no ml_* metric expresses it");
        }
    }

    private static Rule Record(string name, string expr, Dictionary<string, string> labels) => new() { Record = name, Expr = expr, Labels = labels };

    private static Dictionary<string, string> With(Dictionary<string, string> labels, params (string Key, string Value)[] extra)
    {
        var copy = new Dictionary<string, string>(labels);
        foreach (var (key, value) in extra)
        {
            copy[key] = value;
        }

        return copy;
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"");

    private static string Sanitize(string value) => NotNameCharacter().Replace(value, "_");

    [GeneratedRegex("[^a-zA-Z0-9_]")]
    private static partial Regex NotNameCharacter();

    private sealed record Group(string Name, List<Rule> Rules);

    private sealed class Rule
    {
        public string? Record { get; init; }

        public string? Alert { get; init; }

        public required string Expr { get; init; }

        public Dictionary<string, string>? Labels { get; init; }

        public Dictionary<string, string>? Annotations { get; init; }
    }
}
