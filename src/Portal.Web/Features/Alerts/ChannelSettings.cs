using System.Text.Json;
using Portal.Analysis.Alerting;

namespace Portal.Web.Features.Alerts;

/// <summary>
/// A channel's settings that are not secret (stored as JSON) and its one secret (stored encrypted):
/// webhook — URL, optional bearer token (secret); Slack, Teams — incoming-webhook (Teams: Workflows) URL (secret);
/// PagerDuty — Events API v2 URL and routing key (secret); e-mail — SMTP host, port, TLS, user, password (secret), from, to.
/// </summary>
public sealed class ChannelSettings
{
    public const string PagerDutyEventsUrl = "https://events.pagerduty.com/v2/enqueue";

    public string? Url { get; set; }

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    /// <summary>None, StartTls, SslOnConnect, Auto.</summary>
    public string SmtpSecurity { get; set; } = "Auto";

    public string? SmtpUser { get; set; }

    public string? From { get; set; }

    /// <summary>Comma-separated recipients.</summary>
    public string? To { get; set; }

    /// <summary>
    /// Routing: only alerts whose labels match every matcher (written as in silences: <c>severity="critical"</c>,
    /// <c>model=~"churn|fraud"</c>) go to this channel; none: every alert of the rules that name the channel.
    /// </summary>
    public List<string> Matchers { get; set; } = [];

    /// <summary>
    /// Alertmanager's group_by: the labels whose values make a notification group (e.g. <c>["alertname"]</c>: one
    /// notification per rule, every model and severity in it); null: <see cref="NotificationGroupKey.DefaultGroupBy"/>, by model and severity.
    /// </summary>
    public List<string>? GroupBy { get; set; }

    /// <summary>The group-by labels in force.</summary>
    public IReadOnlyList<string> GroupByOrDefault() => GroupBy ?? NotificationGroupKey.DefaultGroupBy;

    /// <summary>This channel's group wait (e.g. "30s"); null: <c>Portal:Alerting:GroupWaitSeconds</c>.</summary>
    public string? GroupWait { get; set; }

    /// <summary>This channel's group interval (e.g. "5m"); null: <c>Portal:Alerting:GroupIntervalSeconds</c>.</summary>
    public string? GroupInterval { get; set; }

    /// <summary>This channel's repeat interval (e.g. "1h"); null: the shortest repeat interval of the group's rules.</summary>
    public string? RepeatInterval { get; set; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static ChannelSettings FromJson(string json) => JsonSerializer.Deserialize<ChannelSettings>(json, JsonSerializerOptions.Web) ?? new ChannelSettings();
}
