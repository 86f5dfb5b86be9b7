namespace Portal.Data.Entities.Alerting;

public enum ChannelType
{
    Webhook,
    Slack,
    PagerDuty,
    Email,
    Teams,

    /// <summary>Delivers into the portal itself: each notification is stored (with its attempt) and written to the log; for the demo and for trying rules out.</summary>
    Log,
}

/// <summary>
/// Where notifications go. <see cref="SettingsJson"/> holds what is not secret (URL of a webhook, SMTP host and
/// addresses); <see cref="ProtectedSecret"/> the secret (Slack or Teams webhook URL, PagerDuty routing key, SMTP password,
/// webhook bearer token) encrypted with ASP.NET Core Data Protection. The secret is never shown again.
/// </summary>
public sealed class NotificationChannel
{
    public const int NameMaxLength = 100;

    public int Id { get; set; }

    public required string Name { get; set; }

    public ChannelType Type { get; set; }

    public string SettingsJson { get; set; } = "{}";

    public string? ProtectedSecret { get; set; }

    /// <summary>Send resolved notifications too (Alertmanager's send_resolved).</summary>
    public bool SendResolved { get; set; } = true;

    public bool Enabled { get; set; } = true;

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>One notification to one channel: a group's firing/resolved alerts at one flush, or a test message.</summary>
public sealed class AlertNotification
{
    public long Id { get; set; }

    public int ChannelId { get; set; }

    /// <summary>The group's values of its channel's group-by labels joined by "/" ("churn/critical" by default), or "test".</summary>
    public required string GroupKey { get; set; }

    /// <summary>firing or resolved (the group's status), or test.</summary>
    public required string Status { get; set; }

    /// <summary>Ids of the firing alerts, as a JSON array.</summary>
    public string FiringAlertIdsJson { get; set; } = "[]";

    /// <summary>Ids of the resolved alerts, as a JSON array.</summary>
    public string ResolvedAlertIdsJson { get; set; } = "[]";

    public string Reason { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>Queued, Sent, Failed.</summary>
    public string Outcome { get; set; } = "Queued";

    public DateTime? FinishedAt { get; set; }

    public List<NotificationAttempt> Attempts { get; set; } = [];
}

/// <summary>One delivery attempt of a notification (retries included): when, how long, the answer or the error.</summary>
public sealed class NotificationAttempt
{
    public long Id { get; set; }

    public long NotificationId { get; set; }

    public int ChannelId { get; set; }

    public int Attempt { get; set; }

    public DateTime At { get; set; }

    public double DurationMs { get; set; }

    public bool Success { get; set; }

    /// <summary>HTTP status code or SMTP reply ("250"), when there was one.</summary>
    public string? Status { get; set; }

    public string? Error { get; set; }
}

/// <summary>Alertmanager's per-group memory (NotificationGroupState) for one channel and group (its values of the channel's group-by labels).</summary>
public sealed class NotificationGroupRecord
{
    public long Id { get; set; }

    public int ChannelId { get; set; }

    /// <summary>The group's model when its channel groups by model (the group is deleted with it); else null.</summary>
    public int? ModelId { get; set; }

    /// <summary>The group's values of the channel's group-by labels, as <c>NotificationGroupKey.Value</c> ("churn/critical").</summary>
    public required string GroupKey { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastFlushAt { get; set; }

    public DateTime? LastNotifiedAt { get; set; }

    public string NotifiedFiringJson { get; set; } = "[]";

    public string NotifiedResolvedJson { get; set; } = "[]";
}
