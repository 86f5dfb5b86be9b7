using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Analysis.Alerting;
using Portal.Data.Entities.Alerting;

namespace Portal.Web.Features.Provisioning;

/// <summary>
/// The fields each document kind may have, in the order the export writes them. A document is flat: <c>kind</c>, its
/// identity (<c>name</c>; <c>model</c> for an SLO and drift settings) and the fields the kind's form or API takes,
/// with the same names. An SLO's own kind is written <c>type</c> (<c>kind</c> is the document's); channels (of an alert
/// rule or an SLO) are named, not numbered.
/// </summary>
public static class ProvisioningFields
{
    public static readonly IReadOnlyDictionary<string, string[]> ByKind = new Dictionary<string, string[]>
    {
        ["Model"] = ["kind", "name", "taskType", "description", "owner", "lowConfidenceThreshold", "versions", "features"],
        ["Runbook"] = ["kind", "name", "tags", "markdown"],
        ["Channel"] = ["kind", "name", "type", "url", "smtpHost", "smtpPort", "smtpSecurity", "smtpUser", "from", "to", "secret", "sendResolved", "enabled",
            "matchers", "groupBy", "groupWait", "groupInterval", "repeatInterval"],
        ["DriftSettings"] = ["kind", "model", "cron", "enabled", "window", "fixedStart", "fixedEnd", "driftShare", "minSampleSize", "benjaminiHochberg", "features", "severity"],
        ["Slo"] = ["kind", "model", "name", "type", "targetPercent", "windowDays", "latencyBoundMs", "minRequestsPerMinute", "enabled", "pageSeverity", "ticketSeverity", "channels"],
        ["AlertRule"] = ["kind", "name", "description", "model", "metric", "feature", "comparator", "threshold", "window", "for", "keepFiringFor", "severity", "noData", "labels", "repeatInterval", "runbook", "channels", "enabled"],
        ["Silence"] = ["kind", "name", "matchers", "startsAt", "endsAt", "comment"],
    };

    /// <summary>How documents are read into the records below: camelCase, enums by name in any case.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>
/// A notification channel; <see cref="Secret"/> is usually <c>${ENV_VAR}</c>. Its routing (matchers, timers) as the
/// channel API takes it; left out, the defaults.
/// </summary>
public sealed record ChannelDocument(
    string Name,
    ChannelType Type,
    string? Url = null,
    string? SmtpHost = null,
    int SmtpPort = 587,
    string SmtpSecurity = "Auto",
    string? SmtpUser = null,
    string? From = null,
    string? To = null,
    string? Secret = null,
    bool SendResolved = true,
    bool Enabled = true,
    List<string>? Matchers = null,
    List<string>? GroupBy = null,
    string? GroupWait = null,
    string? GroupInterval = null,
    string? RepeatInterval = null);

/// <summary>An alert rule as the form edits it, with the model, runbook and channels by name.</summary>
public sealed record AlertRuleDocument(
    string Name,
    AlertMetric Metric,
    double Threshold,
    string? Description = null,
    string? Model = null,
    string? Feature = null,
    Comparator Comparator = Comparator.GreaterThan,
    string Window = "5m",
    string For = "5m",
    string KeepFiringFor = "0s",
    AlertSeverity Severity = AlertSeverity.Warning,
    NoDataPolicy NoData = NoDataPolicy.Resolve,
    Dictionary<string, string>? Labels = null,
    string RepeatInterval = "4h",
    string? Runbook = null,
    List<string>? Channels = null,
    bool Enabled = true);

/// <summary>A silence; the name exists only in files (a silence has none in the portal).</summary>
public sealed record SilenceDocument(string Name, List<string> Matchers, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Comment);

/// <summary>A runbook; the name is its title.</summary>
public sealed record RunbookDocument(string Name, string Markdown, List<string>? Tags = null);
