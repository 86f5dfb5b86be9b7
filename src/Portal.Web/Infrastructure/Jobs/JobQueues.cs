namespace Portal.Web.Infrastructure.Jobs;

/// <summary>
/// Hangfire queues. Alert evaluation and notifications go to <see cref="Alerting"/>: with a thousand models, each
/// quarter-hour enqueues a thousand quality runs and each hour a thousand drift runs, and an alert evaluation behind
/// them would wait minutes. Workers take <see cref="Alerting"/> first, and one worker takes nothing else.
/// </summary>
public static class JobQueues
{
    public const string Alerting = "alerting";

    public const string Default = "default";

    /// <summary>The order the shared workers fetch in.</summary>
    public static readonly string[] ByPriority = [Alerting, Default];
}
