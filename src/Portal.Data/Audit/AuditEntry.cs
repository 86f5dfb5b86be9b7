namespace Portal.Data.Audit;

/// <summary>One configuration change: who did what to which entity, with its state before and after (JSON).</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    /// <summary>UTC.</summary>
    public DateTime At { get; set; }

    public required string Actor { get; set; }

    /// <summary>A verb such as <c>create</c>, <c>update</c>, <c>delete</c>, <c>revoke</c>.</summary>
    public required string Action { get; set; }

    public required string EntityType { get; set; }

    public required string EntityId { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }
}
