namespace Portal.Data.Entities.Alerting;

/// <summary>What to do when an alert fires, in Markdown (rendered with raw HTML off). Every save adds a version.</summary>
public sealed class Runbook
{
    public const int TitleMaxLength = 200;

    public int Id { get; set; }

    public required string Title { get; set; }

    public required string Markdown { get; set; }

    /// <summary>Comma-separated tags, e.g. "latency,infrastructure".</summary>
    public string Tags { get; set; } = "";

    public int Version { get; set; } = 1;

    public DateTime UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public List<RunbookVersion> Versions { get; set; } = [];
}

public sealed class RunbookVersion
{
    public long Id { get; set; }

    public int RunbookId { get; set; }

    public int Version { get; set; }

    public required string Title { get; set; }

    public required string Markdown { get; set; }

    public string Tags { get; set; } = "";

    public DateTime At { get; set; }

    public required string By { get; set; }
}
