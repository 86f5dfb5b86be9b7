using Portal.Data.Entities.Alerting;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Alerts;

/// <summary>
/// A channel as the REST API (and provisioning) writes it. <c>kind</c>: webhook, slack, teams, pagerduty or email.
/// The secret of each kind is write-only and a null one keeps what is stored: webhook <c>bearerToken</c> (optional),
/// Slack and Teams <c>url</c> (the incoming-webhook URL is the secret), PagerDuty <c>routingKey</c>, e-mail <c>smtpPassword</c>.
/// </summary>
public sealed record ChannelRequest(
    string? Name,
    string? Kind,
    string? Url = null,
    string? BearerToken = null,
    string? RoutingKey = null,
    string? SmtpHost = null,
    int? SmtpPort = null,
    string? SmtpSecurity = null,
    string? SmtpUser = null,
    string? SmtpPassword = null,
    string? From = null,
    string? To = null,
    bool? SendResolved = null,
    bool? Enabled = null,
    IReadOnlyList<string>? Matchers = null,
    IReadOnlyList<string>? GroupBy = null,
    string? GroupWait = null,
    string? GroupInterval = null,
    string? RepeatInterval = null)
{
    public static readonly IReadOnlyDictionary<string, ChannelType> Kinds = new Dictionary<string, ChannelType>(StringComparer.OrdinalIgnoreCase)
    {
        ["webhook"] = ChannelType.Webhook,
        ["slack"] = ChannelType.Slack,
        ["teams"] = ChannelType.Teams,
        ["pagerduty"] = ChannelType.PagerDuty,
        ["email"] = ChannelType.Email,
    };

    public static string KindName(ChannelType type) => type.ToString().ToLowerInvariant();

    /// <summary>The JSON field that carries the kind's secret.</summary>
    public static string SecretField(ChannelType type) => type switch
    {
        ChannelType.Webhook => "bearerToken",
        ChannelType.Slack or ChannelType.Teams => "url",
        ChannelType.PagerDuty => "routingKey",
        _ => "smtpPassword",
    };

    /// <summary>The form the service validates and saves; throws 400 naming the field when the kind is unknown.</summary>
    public ChannelForm ToForm(int? id)
    {
        if (Kind is null || !Kinds.TryGetValue(Kind.Trim(), out var type))
        {
            throw new InputValidationException(new Dictionary<string, string[]> { ["kind"] = ["Choose webhook, slack, teams, pagerduty or email."] });
        }

        var settings = new ChannelSettings
        {
            Url = type is ChannelType.Webhook or ChannelType.PagerDuty ? Url : null,
            SmtpHost = SmtpHost,
            SmtpPort = SmtpPort ?? new ChannelSettings().SmtpPort,
            SmtpSecurity = SmtpSecurity ?? new ChannelSettings().SmtpSecurity,
            SmtpUser = SmtpUser,
            From = From,
            To = To,
            Matchers = [.. Matchers ?? []],
            GroupBy = GroupBy is null ? null : [.. GroupBy],
            GroupWait = GroupWait,
            GroupInterval = GroupInterval,
            RepeatInterval = RepeatInterval,
        };
        return new ChannelForm
        {
            Id = id,
            Name = Name ?? "",
            Type = type,
            Settings = settings,
            Secret = type switch
            {
                ChannelType.Webhook => BearerToken,
                ChannelType.Slack or ChannelType.Teams => Url,
                ChannelType.PagerDuty => RoutingKey,
                _ => SmtpPassword,
            },
            SendResolved = SendResolved ?? true,
            Enabled = Enabled ?? true,
        };
    }

    /// <summary>The service's errors under the API's field names (its "secret" is the kind's secret field).</summary>
    public static ValidationProblems ApiErrors(ChannelType type, ValidationProblems errors) =>
        new ValidationProblems().AddAll(errors.ToDictionary(), path => path == "secret" ? SecretField(type) : path);
}

/// <summary>
/// A channel as the API reads it: settings in the clear, secrets never; <c>…Set</c> says whether the kind's secret is
/// stored (null for the secrets another kind has).
/// </summary>
public sealed record ChannelView(
    int Id,
    string Name,
    string Kind,
    string? Url,
    bool? UrlSet,
    bool? BearerTokenSet,
    bool? RoutingKeySet,
    string? SmtpHost,
    int? SmtpPort,
    string? SmtpSecurity,
    string? SmtpUser,
    bool? SmtpPasswordSet,
    string? From,
    string? To,
    bool SendResolved,
    bool Enabled,
    IReadOnlyList<string> Matchers,
    IReadOnlyList<string> GroupBy,
    string? GroupWait,
    string? GroupInterval,
    string? RepeatInterval)
{
    public static ChannelView Of(ChannelForm c)
    {
        var s = c.Settings;
        var email = c.Type == ChannelType.Email;
        return new ChannelView(
            c.Id ?? 0,
            c.Name,
            ChannelRequest.KindName(c.Type),
            c.Type is ChannelType.Webhook or ChannelType.PagerDuty ? s.Url : null,
            c.Type is ChannelType.Slack or ChannelType.Teams ? c.HasSecret : null,
            c.Type == ChannelType.Webhook ? c.HasSecret : null,
            c.Type == ChannelType.PagerDuty ? c.HasSecret : null,
            email ? s.SmtpHost : null,
            email ? s.SmtpPort : null,
            email ? s.SmtpSecurity : null,
            email ? s.SmtpUser : null,
            email ? c.HasSecret : null,
            email ? s.From : null,
            email ? s.To : null,
            c.SendResolved,
            c.Enabled,
            s.Matchers,
            s.GroupByOrDefault(),
            s.GroupWait,
            s.GroupInterval,
            s.RepeatInterval);
    }
}
