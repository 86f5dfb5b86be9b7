using Hangfire;
using Microsoft.Extensions.Options;

namespace Portal.Web.Infrastructure.Jobs;

/// <summary>A feature's recurring jobs, read from the database (schedules people edit) or fixed.</summary>
public interface IRecurringJobSource
{
    /// <summary>Adds or updates every recurring job of the feature and removes the ones that no longer exist.</summary>
    Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken);
}

/// <summary>Runs every <see cref="IRecurringJobSource"/> of the scope; one that fails is logged and does not stop the others.</summary>
public sealed class RecurringJobSchedules(IEnumerable<IRecurringJobSource> sources, IRecurringJobManager jobs, ILogger<RecurringJobSchedules> logger)
{
    public async Task RegisterAllAsync(CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            try
            {
                await source.RegisterAsync(jobs, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Registering the recurring jobs of {Source} failed", source.GetType().Name);
            }
        }
    }
}

/// <summary>Registers every feature's recurring jobs at start-up (Hangfire.InMemory forgets them on restart).</summary>
public sealed class RecurringJobRegistrar(IServiceScopeFactory scopes) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RecurringJobSchedules>().RegisterAllAsync(stoppingToken);
    }
}

/// <summary>
/// Re-reads every feature's schedules from the database every few minutes (<see cref="JobsOptions.ScheduleSyncCron"/>),
/// so new models get their jobs and a schedule edited on another node takes effect here too.
/// </summary>
public sealed class ScheduleSyncJobSource(IOptions<JobsOptions> options) : IRecurringJobSource
{
    public const string JobId = "schedules-sync";

    public Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate<ScheduleSyncJob>(JobId, j => j.RunAsync(CancellationToken.None), options.Value.ScheduleSyncCron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return Task.CompletedTask;
    }
}

/// <summary>The body of <see cref="ScheduleSyncJobSource.JobId"/>: registers every feature's recurring jobs again.</summary>
public sealed class ScheduleSyncJob(RecurringJobSchedules schedules)
{
    [AutomaticRetry(Attempts = 0)]
    public Task RunAsync(CancellationToken cancellationToken) => schedules.RegisterAllAsync(cancellationToken);
}
