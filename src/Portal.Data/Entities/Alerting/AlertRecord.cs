namespace Portal.Data.Entities.Alerting;

/// <summary>
/// One alert instance: a rule on one model (its label set), identified by its fingerprint. It carries the state
/// machine's memory between evaluations (Portal.Analysis.Alerting.AlertInstance) and the routing outcome.
/// </summary>
public sealed class AlertRecord
{
    public long Id { get; set; }

    public int RuleId { get; set; }

    public int ModelId { get; set; }

    /// <summary>SHA-256 of the rule id and labels (AlertFingerprint): deduplicates across evaluations and nodes.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>Every label (rule, model, severity and the rule's own), as a JSON object.</summary>
    public string LabelsJson { get; set; } = "{}";

    public required string Severity { get; set; }

    /// <summary>Inactive, Pending, Firing, Resolved (Portal.Analysis.Alerting.AlertState).</summary>
    public required string State { get; set; }

    public DateTime? ActiveAt { get; set; }

    public DateTime? FiredAt { get; set; }

    public DateTime? ResolvedAt { get; set; }

    public DateTime? ClearedAt { get; set; }

    public DateTime? LastEvaluatedAt { get; set; }

    public double? LastValue { get; set; }

    /// <summary>Why it is in its state now ("value 0.12 &gt; 0.05 for 5m").</summary>
    public string? Reason { get; set; }

    /// <summary>Why it is not notified (silenced by …, inhibited by …), or null.</summary>
    public string? SuppressedReason { get; set; }

    public List<AlertStateChange> History { get; set; } = [];
}

/// <summary>A state transition of an alert, with its reason and the metric value at the time.</summary>
public sealed class AlertStateChange
{
    public long Id { get; set; }

    public long AlertId { get; set; }

    public DateTime At { get; set; }

    public required string From { get; set; }

    public required string To { get; set; }

    public double? Value { get; set; }

    public required string Reason { get; set; }
}

/// <summary>Someone is on a firing alert (belongs to one firing episode: it must be after the alert's FiredAt).</summary>
public sealed class AlertAcknowledgementRecord
{
    public long Id { get; set; }

    public long AlertId { get; set; }

    public required string By { get; set; }

    public DateTime At { get; set; }

    public string? Comment { get; set; }
}

/// <summary>Mutes the notifications of matching alerts between <see cref="StartsAt"/> and <see cref="EndsAt"/>.</summary>
public sealed class AlertSilence
{
    public int Id { get; set; }

    /// <summary>[{"label": "model", "operator": "Equal", "value": "churn"}, …] (Portal.Analysis.Alerting.LabelMatcher).</summary>
    public string MatchersJson { get; set; } = "[]";

    public DateTime StartsAt { get; set; }

    public DateTime EndsAt { get; set; }

    public required string CreatedBy { get; set; }

    public string? Comment { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>Root-cause analysis attached to an alert when it fired.</summary>
public sealed class RcaFinding
{
    public long Id { get; set; }

    public long AlertId { get; set; }

    public DateTime At { get; set; }

    /// <summary>Portal.Analysis.Rca.CauseKind by name.</summary>
    public required string PrimaryCause { get; set; }

    public double Confidence { get; set; }

    public required string Summary { get; set; }

    /// <summary>Ranked candidates with evidence and actions, as JSON.</summary>
    public string CandidatesJson { get; set; } = "[]";

    /// <summary>The incident timeline built from stored events, as JSON.</summary>
    public string TimelineJson { get; set; } = "[]";

    /// <summary>Which signals were checked and which were missing, as JSON.</summary>
    public string ChecksJson { get; set; } = "[]";
}
