using System.Text.Json;

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

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static ChannelSettings FromJson(string json) => JsonSerializer.Deserialize<ChannelSettings>(json, JsonSerializerOptions.Web) ?? new ChannelSettings();
}
