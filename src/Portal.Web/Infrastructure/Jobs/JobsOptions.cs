namespace Portal.Web.Infrastructure.Jobs;

/// <summary>Configuration of the scheduled analysis jobs (section <c>Portal:Jobs</c>).</summary>
public sealed class JobsOptions
{
    public const string Section = "Portal:Jobs";

    /// <summary>When every model's quality job runs (cron, UTC).</summary>
    public string QualityCron { get; set; } = "*/15 * * * *";

    /// <summary>When the SLO job of every model with SLOs runs (cron, UTC).</summary>
    public string SloCron { get; set; } = "*/5 * * * *";

    /// <summary>How often the recurring jobs are re-read from the database (new models, schedules edited on another node).</summary>
    public string ScheduleSyncCron { get; set; } = "* * * * *";

    /// <summary>Largest sample of raw predictions (and reference rows) a drift run reads per side; more are sampled uniformly.</summary>
    public int DriftMaxRows { get; set; } = 100_000;

    /// <summary>Largest sample of labelled raw pairs a quality run reads per window.</summary>
    public int QualityMaxPairs { get; set; } = 100_000;

    /// <summary>Rows per side of the multivariate MMD test (its cost grows with the square of the rows; at most 1,500).</summary>
    public int MmdMaxRows { get; set; } = 500;

    /// <summary>Permutations of the MMD test's p-value (its resolution is 1 / (permutations + 1)).</summary>
    public int MmdPermutations { get; set; } = 200;

    /// <summary>The MMD test flags drift when its p-value is below this.</summary>
    public double MmdAlpha { get; set; } = 0.05;
}
