namespace Portal.Web.Infrastructure.Jobs;

/// <summary>
/// Hangfire queues. Alert evaluation and notifications go to <see cref="Alerting"/>: with a thousand models, each
/// quarter-hour enqueues a thousand quality runs and each hour a thousand drift runs, and an alert evaluation behind
/// them would wait minutes. Each family of scheduled model jobs has a queue of its own (<see cref="ModelJobs"/>) with a
/// worker that takes nothing else, so one family's backlog (a thousand quality runs) never starves another's (the drift
/// runs of the same hour). Runs a person asks for ("Run now") go to <see cref="Default"/>, which the shared workers take.
/// </summary>
public static class JobQueues
{
    public const string Alerting = "alerting";

    public const string Default = "default";

    /// <summary>One queue per family of recurring per-model jobs, named as the family.</summary>
    public static readonly string[] ModelJobs = ["slo", "quality", "drift", "fairness"];

    /// <summary>
    /// The queues the shared workers fetch from: <see cref="Alerting"/> first where the storage keeps the order, then
    /// what people ask for. Model jobs are not among them: each family has one worker of its own, so four model jobs
    /// at most run at once on a node (more only slowed ingestion on two cores, and SQLite lets one writer in at a time).
    /// </summary>
    public static readonly string[] ByPriority = [Alerting, Default];
}
