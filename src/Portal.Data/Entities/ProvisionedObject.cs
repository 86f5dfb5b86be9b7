namespace Portal.Data.Entities;

/// <summary>
/// An object that a provisioning file owns (Features/Provisioning): read-only in the UI and the API until the file lets
/// go of it. Also maps the document's name to the object (a silence has no name of its own) and remembers what was
/// applied, so re-applying an unchanged document writes nothing.
/// </summary>
public sealed class ProvisionedObject
{
    public const int KindMaxLength = 32;
    public const int NameMaxLength = 300;
    public const int EntityKeyMaxLength = 200;
    public const int FileMaxLength = 500;

    public int Id { get; set; }

    /// <summary>The document kind: AlertRule, Channel, Silence, Runbook, Slo, DriftSettings, Model.</summary>
    public required string Kind { get; set; }

    /// <summary>The document's identity within its kind (e.g. "HighErrorRate/critical", "churn/latency").</summary>
    public required string Name { get; set; }

    /// <summary>The object's id as the services name it (rule id, channel id, model name …).</summary>
    public required string EntityKey { get; set; }

    /// <summary>The file, relative to the provisioning folder.</summary>
    public required string File { get; set; }

    /// <summary>SHA-256 of what was applied (hex).</summary>
    public required string Hash { get; set; }

    public DateTime AppliedAt { get; set; }
}
