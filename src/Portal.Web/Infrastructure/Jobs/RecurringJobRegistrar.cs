using Hangfire;

namespace Portal.Web.Infrastructure.Jobs;

/// <summary>A feature's recurring jobs, read from the database (schedules people edit) or fixed.</summary>
public interface IRecurringJobSource
{
    /// <summary>Adds or updates every recurring job of the feature and removes the ones that no longer exist.</summary>
    Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken);
}

/// <summary>Registers every feature's recurring jobs at start-up (Hangfire.InMemory forgets them on restart).</summary>
public sealed class RecurringJobRegistrar(IServiceScopeFactory scopes, IRecurringJobManager jobs, ILogger<RecurringJobRegistrar> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        foreach (var source in scope.ServiceProvider.GetServices<IRecurringJobSource>())
        {
            try
            {
                await source.RegisterAsync(jobs, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Registering the recurring jobs of {Source} failed", source.GetType().Name);
            }
        }
    }
}
