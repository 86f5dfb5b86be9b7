namespace Portal.Data.Entities.Jobs;

/// <summary>The kinds of SLO (Portal.Analysis.Slo.SloKind).</summary>
public enum SloKind
{
    Latency,
    Availability,
    ErrorRate,
    Accuracy,
    Throughput,
}

/// <summary>A service-level objective of one model, edited by Engineers.</summary>
public sealed class SloDefinition
{
    public const int NameMaxLength = 100;

    public int Id { get; set; }

    public int ModelId { get; set; }

    public required string Name { get; set; }

    public SloKind Kind { get; set; }

    /// <summary>Target in percent, e.g. 99.5.</summary>
    public double TargetPercent { get; set; }

    /// <summary>28 or 30.</summary>
    public int WindowDays { get; set; } = 30;

    /// <summary>Latency SLOs: the bound in milliseconds ("p99 under 300 ms" = bound 300, target 99).</summary>
    public double? LatencyBoundMs { get; set; }

    /// <summary>Throughput SLOs: requests per minute a minute needs to count as good.</summary>
    public double? MinRequestsPerMinute { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Severity (Portal.Analysis.Alerting.AlertSeverity by name) of the SLO's page alert.</summary>
    public string PageSeverity { get; set; } = "Critical";

    /// <summary>Severity of the SLO's ticket alert.</summary>
    public string TicketSeverity { get; set; } = "Warning";

    /// <summary>Notification channels of the SLO's alerts, as a JSON array of ids.</summary>
    public string ChannelIdsJson { get; set; } = "[]";

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One burn window of one SLO at one minute (Sloth's <c>slo:sli_error:ratio_rate&lt;window&gt;</c> recording rule): the
/// good and total events of the window ending at <see cref="MinuteMs"/>. Written by alert evaluation once a minute, kept
/// for <c>Portal:Slos:HistoryDays</c>.
/// </summary>
public sealed class SloSliRecord
{
    public int SloId { get; set; }

    /// <summary>The end of the window (exclusive), on a whole minute.</summary>
    public long MinuteMs { get; set; }

    /// <summary>5m, 30m, 1h, 2h, 6h, 1d or 3d.</summary>
    public required string Window { get; set; }

    public long Good { get; set; }

    public long Total { get; set; }
}

/// <summary>The latest evaluation of an SLO by the SLO job (one row per SLO, overwritten each run).</summary>
public sealed class SloStatus
{
    public int SloId { get; set; }

    public DateTime EvaluatedAt { get; set; }

    /// <summary>Null when there was no traffic in the window.</summary>
    public double? CompliancePercent { get; set; }

    /// <summary>Met, Breached or NoTraffic.</summary>
    public required string Status { get; set; }

    /// <summary>Fraction of the error budget left (may be negative), null with a zero budget.</summary>
    public double? BudgetRemaining { get; set; }

    /// <summary>Burn rates by window (5m … 3d) as JSON.</summary>
    public string BurnRatesJson { get; set; } = "{}";

    /// <summary>The multi-window multi-burn-rate pairs and whether each fires, as JSON.</summary>
    public string AlertsJson { get; set; } = "[]";

    /// <summary>Budget remaining over the window, for the burn-down chart, as JSON [[timeMs, remaining], …].</summary>
    public string BurnDownJson { get; set; } = "[]";

    /// <summary>Good and total events of the window.</summary>
    public long GoodEvents { get; set; }

    public long TotalEvents { get; set; }

    /// <summary>Share of the window the data reaches (below 1 while the model is younger than the window).</summary>
    public double CoveredFraction { get; set; }

    /// <summary>The verdict in a sentence ("99.2% good against a 99.9% target; the error budget is overspent: …").</summary>
    public string? Message { get; set; }
}
