namespace Portal.Data.Entities.Alerting;

/// <summary>What an alert rule watches (see the metric resolver in Features/Alerts for where each comes from).</summary>
public enum AlertMetric
{
    ErrorRate,
    LatencyP50,
    LatencyP95,
    LatencyP99,
    RequestRate,
    Accuracy,
    F1,
    Auc,
    Mae,
    Rmse,
    DatasetDriftShare,
    FeatureDriftScore,
    PredictionPsi,
    LowConfidenceRate,
    MissingRate,
    OutOfRangeRate,
    NewCategoryRate,
    SchemaViolationRate,
    SloBurnRate,
    JobFailures,
    PossibleDriftEvents,
    EstimatedAccuracy,
    EstimatedF1,
    EstimatedPrecision,
    EstimatedRecall,
    EstimatedAuc,

    /// <summary>The lowest fairness disparity ratio of the latest fairness run (attribute in Feature, null = every attribute).</summary>
    FairnessDisparity,
    PcaReconstructionError,
    MmdPValue,
}

/// <summary>
/// An alert rule as people edit it (Admin). The condition, for-duration, keep-firing-for and severity are handed to
/// Portal.Analysis.Alerting.AlertRule; the rest routes and explains the alerts it raises.
/// </summary>
public sealed class AlertRuleEntity
{
    public const int NameMaxLength = 100;

    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The model the rule watches, or null for every model.</summary>
    public int? ModelId { get; set; }

    public AlertMetric Metric { get; set; }

    /// <summary>For <see cref="AlertMetric.FeatureDriftScore"/>: one feature, or null for the most drifted one.</summary>
    public string? Feature { get; set; }

    /// <summary>Portal.Analysis.Alerting.Comparator, stored by name.</summary>
    public string Comparator { get; set; } = "GreaterThan";

    public double Threshold { get; set; }

    /// <summary>How far back the metric looks at each evaluation (e.g. error rate over the last 5 minutes).</summary>
    public int WindowSeconds { get; set; } = 300;

    /// <summary>How long the condition must hold before the alert fires (pending until then).</summary>
    public int ForSeconds { get; set; } = 300;

    /// <summary>How long a firing alert stays firing after the condition clears (stops flapping).</summary>
    public int KeepFiringForSeconds { get; set; }

    /// <summary>Portal.Analysis.Alerting.AlertSeverity by name: Info, Warning, Critical.</summary>
    public string Severity { get; set; } = "Warning";

    /// <summary>Extra labels as a JSON object of strings.</summary>
    public string LabelsJson { get; set; } = "{}";

    /// <summary>How long an unchanged firing group waits before it is notified again.</summary>
    public int RepeatIntervalSeconds { get; set; } = 4 * 3600;

    public int? RunbookId { get; set; }

    /// <summary>Ids of the notification channels, as a JSON array.</summary>
    public string ChannelIdsJson { get; set; } = "[]";

    public bool Enabled { get; set; } = true;

    /// <summary>Portal.Analysis.Alerting.NoDataPolicy by name: Resolve, KeepState or Alert.</summary>
    public string NoData { get; set; } = "Resolve";

    /// <summary>Set on the two rules an SLO owns (its page and ticket burn-rate alerts); they change with the SLO only.</summary>
    public int? SloId { get; set; }

    /// <summary>With <see cref="SloId"/>: which of the SLO's alerts (Portal.Analysis.Slo.BurnAlertSeverity by name: Page, Ticket).</summary>
    public string? SloAlert { get; set; }

    public string? Description { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
