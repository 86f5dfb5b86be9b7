namespace Portal.Data.Entities.Jobs;

/// <summary>Which predictions a drift run compares with the baseline.</summary>
public enum DriftWindow
{
    LastHour,
    LastDay,
    LastWeek,

    /// <summary>[<see cref="DriftSettings.FixedStart"/>, <see cref="DriftSettings.FixedEnd"/>).</summary>
    Fixed,
}

/// <summary>
/// How the drift job analyses one model: schedule, window, per-feature test and threshold, dataset drift share,
/// minimum sample size and severity thresholds. A model without a row uses the defaults (hourly, last hour).
/// </summary>
public sealed class DriftSettings
{
    public const string DefaultCron = "0 * * * *";
    public const double DefaultDriftShare = 0.5;
    public const int DefaultMinSampleSize = 100;
    public const int CronMaxLength = 100;

    /// <summary>Primary key: one row per model.</summary>
    public int ModelId { get; set; }

    /// <summary>Standard 5-field cron expression, UTC.</summary>
    public string Cron { get; set; } = DefaultCron;

    public bool Enabled { get; set; } = true;

    public DriftWindow Window { get; set; } = DriftWindow.LastHour;

    public DateTime? FixedStart { get; set; }

    public DateTime? FixedEnd { get; set; }

    /// <summary>Dataset drift when the importance-weighted share of drifted features reaches it (0..1].</summary>
    public double DriftShare { get; set; } = DefaultDriftShare;

    /// <summary>Below this many predictions in the window (or the baseline) a run says "not enough data", never a verdict.</summary>
    public int MinSampleSize { get; set; } = DefaultMinSampleSize;

    /// <summary>Per feature: <c>{"amount": {"test": "ks", "threshold": 0.05}}</c>; a missing feature or test = automatic choice.</summary>
    public string FeaturesJson { get; set; } = "{}";

    /// <summary>Severity threshold overrides per test: <c>{"ks": {"info": 0.1, "warning": 0.15, "critical": 0.25}}</c>.</summary>
    public string SeverityJson { get; set; } = "{}";

    /// <summary>Control false discoveries across features: adjust the p-value tests' p-values with Benjamini–Hochberg.</summary>
    public bool BenjaminiHochberg { get; set; }

    public DateTime UpdatedAt { get; set; }
}
