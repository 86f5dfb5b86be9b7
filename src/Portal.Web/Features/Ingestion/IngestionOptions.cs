namespace Portal.Web.Features.Ingestion;

/// <summary>Ingestion limits and writer tuning (configuration section <c>Portal:Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Portal:Ingestion";

    /// <summary>Most items in one request (JSON array or NDJSON lines); more is answered 413.</summary>
    public int MaxItemsPerRequest { get; set; } = 10_000;

    /// <summary>Largest predictions / feedback / resources body, in bytes.</summary>
    public long MaxBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Largest reference upload, in bytes (it is streamed, never held whole).</summary>
    public long ReferenceMaxBodyBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Most reference rows per upload.</summary>
    public long ReferenceMaxRows { get; set; } = 1_000_000;

    /// <summary>Items waiting for the writer; past this a request is answered 429 with Retry-After.</summary>
    public int MaxQueuedItems { get; set; } = 200_000;

    /// <summary>Most items the writer commits in one transaction (group commit).</summary>
    public int MaxItemsPerCommit { get; set; } = 20_000;

    /// <summary>SQLite <c>synchronous</c> of the writer's connection: FULL (default: fsync at every commit, so an
    /// acknowledged item survives power loss) or NORMAL (survives a process crash, not power loss).</summary>
    public string SqliteSynchronous { get; set; } = "FULL";
}

/// <summary>Raw-row retention (configuration section <c>Portal:Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Portal:Retention";

    /// <summary>Raw predictions, feedback labels and resource samples older than this are deleted; rollups are kept.</summary>
    public int RawDays { get; set; } = 30;

    /// <summary>
    /// Confusion rollups (one row per class pair and minute, so up to classes² per minute) older than this are deleted; the
    /// dashboards' longest window is 30 days. The other rollups are kept.
    /// </summary>
    public int ConfusionDays { get; set; } = 35;

    /// <summary>Minutes between runs, counted from the full hour (60: hourly; 1440: daily at midnight UTC).</summary>
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>A cron expression (UTC; 5 fields, or 6 with seconds first) that replaces <see cref="IntervalMinutes"/>.</summary>
    public string? Cron { get; set; }

    /// <summary>The schedule of the retention job.</summary>
    public string CronExpression()
    {
        if (!string.IsNullOrWhiteSpace(Cron))
        {
            return Cron.Trim();
        }

        var minutes = Math.Max(1, IntervalMinutes);
        return minutes switch
        {
            < 60 => $"*/{minutes} * * * *",
            < 1440 => $"0 */{Math.Max(1, minutes / 60)} * * *",
            _ => "0 0 * * *",
        };
    }
}
