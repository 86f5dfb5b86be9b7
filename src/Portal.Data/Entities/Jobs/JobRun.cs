namespace Portal.Data.Entities.Jobs;

/// <summary>How a job run ended. <see cref="NotEnoughData"/> is a successful run that refused to give a verdict.</summary>
public enum JobOutcome
{
    Running,
    Succeeded,
    NotEnoughData,
    Failed,
}

/// <summary>
/// One run of a scheduled job (drift, quality, slo, experiment, alerts, retention): what it looked at, how long it
/// took, how it ended. Failed runs keep their error; Hangfire retries them as new attempts.
/// </summary>
public sealed class JobRun
{
    public const int JobTypeMaxLength = 40;

    public const int NodeMaxLength = 100;

    public long Id { get; set; }

    /// <summary>drift, quality, slo, experiment, alerts, retention, …</summary>
    public required string JobType { get; set; }

    /// <summary>The model the run was about, if any.</summary>
    public int? ModelId { get; set; }

    public DateTime? WindowStart { get; set; }

    public DateTime? WindowEnd { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public double? DurationMs { get; set; }

    public JobOutcome Outcome { get; set; } = JobOutcome.Running;

    /// <summary>1 for the first try; Hangfire retries count up.</summary>
    public int Attempt { get; set; } = 1;

    /// <summary>What went wrong (exception type and message) for a failed run.</summary>
    public string? Error { get; set; }

    /// <summary>The inputs that matter for reproducing the run (settings, reference version, sample sizes), as JSON.</summary>
    public string? InputJson { get; set; }

    /// <summary>A short human-readable result ("2 of 12 features drifted", "not enough data: 31 < 100").</summary>
    public string? Summary { get; set; }

    /// <summary>The portal node that ran it (<c>Portal:NodeName</c> or its host name): with several nodes, where to look for its log.</summary>
    public string? Node { get; set; }
}
