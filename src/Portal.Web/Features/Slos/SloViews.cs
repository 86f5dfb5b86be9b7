using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Analysis.Alerting;
using Portal.Analysis.Common;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Analysis;
using AnalysisSlo = Portal.Analysis.Slo;

namespace Portal.Web.Features.Slos;

/// <summary>
/// The body of <c>POST</c>/<c>PUT /api/v1/models/{model}/slos</c>, bound by the serializer (a wrong JSON type is a 400
/// naming its path). <c>kind</c> accepts latency, availability, errorRate (or error_rate), accuracy, throughput;
/// <c>windowDays</c> defaults to 30, <c>enabled</c> to true. On a PUT, omitted alert fields (severities, channels) keep
/// their values; on a POST they default to critical pages, warning tickets and no channel.
/// </summary>
public sealed record SloRequest(
    string? Name,
    string? Kind,
    double? TargetPercent,
    int? WindowDays,
    double? LatencyBoundMs,
    double? MinRequestsPerMinute,
    bool? Enabled,
    AlertSeverity? PageSeverity,
    AlertSeverity? TicketSeverity,
    IReadOnlyList<int>? ChannelIds)
{
    /// <exception cref="AnalysisInputException">A required field is missing or <c>kind</c> is unknown.</exception>
    public SloInput ToInput(SloView? current = null)
    {
        var kindText = Kind ?? throw new AnalysisInputException("kind", "is required: latency, availability, errorRate, accuracy or throughput.");
        var kind = Enum.TryParse<SloKind>(kindText.Replace("_", ""), ignoreCase: true, out var k) && Enum.IsDefined(k) && !int.TryParse(kindText, out _)
            ? k
            : throw new AnalysisInputException("kind", $"'{kindText}' is not an SLO kind: use latency, availability, errorRate, accuracy or throughput.");
        var target = TargetPercent ?? throw new AnalysisInputException("targetPercent", "is required.");
        return new SloInput(Name ?? "", kind, target, WindowDays ?? 30, LatencyBoundMs, MinRequestsPerMinute, Enabled ?? true,
            PageSeverity ?? current?.PageSeverity ?? AlertSeverity.Critical,
            TicketSeverity ?? current?.TicketSeverity ?? AlertSeverity.Warning,
            ChannelIds ?? current?.ChannelIds ?? []);
    }
}

/// <summary>An SLO as the service validates and stores it (from the API or the SLO dialog).</summary>
public sealed record SloInput(
    string Name,
    SloKind Kind,
    double TargetPercent,
    int WindowDays,
    double? LatencyBoundMs,
    double? MinRequestsPerMinute,
    bool Enabled = true,
    AlertSeverity PageSeverity = AlertSeverity.Critical,
    AlertSeverity TicketSeverity = AlertSeverity.Warning,
    IReadOnlyList<int>? ChannelIds = null)
{
    public static SloInput From(SloDefinition slo) =>
        new(slo.Name, slo.Kind, slo.TargetPercent, slo.WindowDays, slo.LatencyBoundMs, slo.MinRequestsPerMinute, slo.Enabled,
            Enum.Parse<AlertSeverity>(slo.PageSeverity), Enum.Parse<AlertSeverity>(slo.TicketSeverity),
            JsonSerializer.Deserialize<List<int>>(slo.ChannelIdsJson) ?? []);

    public AnalysisSlo.SloDefinition ToAnalysis() =>
        new(Enum.Parse<AnalysisSlo.SloKind>(Kind.ToString()), TargetPercent, WindowDays, LatencyBoundMs, MinRequestsPerMinute);
}

/// <summary>One burn-rate alert pair as stored in <see cref="SloStatus.AlertsJson"/> (read by alerting and the SLO page).</summary>
public sealed record SloAlertPair(
    string Name, string Severity, string LongWindow, string ShortWindow, double Threshold, double? LongRate, double? ShortRate, bool Firing, string Reason);

/// <summary>The latest evaluation of an SLO, with its JSON columns parsed.</summary>
public sealed record SloStatusView(
    DateTime EvaluatedAt,
    double? CompliancePercent,
    string Status,
    double? BudgetRemaining,
    IReadOnlyDictionary<string, double?> BurnRates,
    IReadOnlyList<SloAlertPair> Alerts,
    IReadOnlyList<SloBurnDownPoint> BurnDown,
    long GoodEvents,
    long TotalEvents,
    double CoveredFraction,
    string? Message)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SloStatusView From(SloStatus status) => new(
        status.EvaluatedAt,
        status.CompliancePercent,
        status.Status,
        status.BudgetRemaining,
        JsonSerializer.Deserialize<Dictionary<string, double?>>(status.BurnRatesJson, Json) ?? [],
        JsonSerializer.Deserialize<List<SloAlertPair>>(status.AlertsJson, Json) ?? [],
        (JsonSerializer.Deserialize<List<double?[]>>(status.BurnDownJson, Json) ?? [])
            .Where(p => p.Length == 2 && p[0] is not null)
            .Select(p => new SloBurnDownPoint(DateTimeOffset.FromUnixTimeMilliseconds((long)p[0]!.Value).UtcDateTime, p[1]))
            .ToList(),
        status.GoodEvents,
        status.TotalEvents,
        status.CoveredFraction,
        status.Message);

    /// <summary>Writes an evaluation into the status row (one per SLO, overwritten).</summary>
    public static void Apply(AnalysisSlo.SloReport report, SloStatus status, DateTime evaluatedAt)
    {
        status.EvaluatedAt = evaluatedAt;
        status.CompliancePercent = report.CompliancePercent;
        status.Status = report.Status.ToString();
        status.BudgetRemaining = report.Budget.RemainingFraction;
        status.BurnRatesJson = JsonSerializer.Serialize(report.BurnRates.ToDictionary(r => r.Window, r => r.Rate), Json);
        status.AlertsJson = JsonSerializer.Serialize(report.Alerts.Select(a => new SloAlertPair(
            a.Rule.Name, a.Rule.Severity.ToString().ToLowerInvariant(), a.Rule.LongWindow, a.Rule.ShortWindow, a.Rule.Threshold,
            a.LongRate, a.ShortRate, a.Firing, a.Reason)), Json);
        status.BurnDownJson = JsonSerializer.Serialize(report.BurnDown.Select(p => new double?[] { p.At.ToUnixTimeMilliseconds(), p.RemainingFraction }), Json);
        status.GoodEvents = report.GoodEvents;
        status.TotalEvents = report.TotalEvents;
        status.CoveredFraction = report.CoveredFraction;
        status.Message = report.Message;
    }
}

/// <summary>A point of the burn-down chart: the share of the error budget left at <see cref="At"/> (null with no budget).</summary>
public sealed record SloBurnDownPoint(DateTime At, double? Remaining);

/// <summary>An SLO with its latest status (null until the SLO job evaluated it).</summary>
public sealed record SloView(
    int Id,
    string Model,
    string Name,
    SloKind Kind,
    double TargetPercent,
    int WindowDays,
    double? LatencyBoundMs,
    double? MinRequestsPerMinute,
    bool Enabled,
    AlertSeverity PageSeverity,
    AlertSeverity TicketSeverity,
    IReadOnlyList<int> ChannelIds,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    SloStatusView? Status)
{
    /// <summary>"99% of requests within 300 ms over 30 days" — the objective in words.</summary>
    [JsonIgnore]
    public string Objective => Describe(Kind, TargetPercent, WindowDays, LatencyBoundMs, MinRequestsPerMinute);

    public SloInput ToInput() => new(Name, Kind, TargetPercent, WindowDays, LatencyBoundMs, MinRequestsPerMinute, Enabled, PageSeverity, TicketSeverity, ChannelIds);

    public static string Describe(SloKind kind, double target, int days, double? bound, double? rate)
    {
        var t = target.ToString("0.###", CultureInfo.InvariantCulture);
        var what = kind switch
        {
            SloKind.Latency => $"{t}% of requests within {bound?.ToString("0.###", CultureInfo.InvariantCulture)} ms (p{t} latency)",
            SloKind.Availability => $"{t}% of requests answered without failure",
            SloKind.ErrorRate => $"{t}% of predictions without an error",
            SloKind.Accuracy => $"{t}% of labelled predictions correct",
            SloKind.Throughput => $"{t}% of minutes with at least {rate?.ToString("0.###", CultureInfo.InvariantCulture)} requests",
            _ => kind.ToString(),
        };
        return $"{what} over {days} days";
    }
}

/// <summary>Burn rates per minute from the SLI history: one series per window, aligned on <see cref="Times"/> (null: no events).</summary>
public sealed record SloBurnHistory(IReadOnlyList<DateTime> Times, IReadOnlyList<SloBurnSeries> Windows, IReadOnlyList<SloBurnThreshold> Alerts);

public sealed record SloBurnSeries(string Window, IReadOnlyList<double?> Rates);

/// <summary>A burn-rate alert pair of the SLO and the threshold both its windows must exceed.</summary>
public sealed record SloBurnThreshold(string Name, string Severity, string LongWindow, string ShortWindow, double Threshold);
