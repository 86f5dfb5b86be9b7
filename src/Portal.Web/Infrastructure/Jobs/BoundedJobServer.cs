using Hangfire;
using Hangfire.Common;
using Hangfire.Server;

namespace Portal.Web.Infrastructure.Jobs;

/// <summary>
/// Hangfire's server as a hosted service whose stop is bounded and never throws. Hangfire's own hosted service waits
/// for running jobs until the host's shutdown token fires (or is handed a token already cancelled, when an earlier
/// service used up the shutdown timeout) and then lets OperationCanceledException out of StopAsync, which the host
/// rethrows at exit: an unhandled exception, exit code 134. Here running jobs get their cancellation token when the
/// stop begins (as before), the stop waits at most <see cref="StopWait"/>, and a job still running after that is
/// abandoned: Hangfire runs it again on the next start, as after a crash. Disposal waits <see cref="DisposeWait"/>
/// instead of Hangfire's default 15 s.
/// </summary>
public sealed class BoundedJobServer(BackgroundJobServerHostedService server, ILogger<BoundedJobServer> logger) : IHostedService, IDisposable
{
    /// <summary>How long a stop waits for running jobs to finish after their cancellation token fired.</summary>
    public static readonly TimeSpan StopWait = TimeSpan.FromSeconds(3);

    /// <summary>How long disposal waits for Hangfire's threads before it gives up on them (they are background threads).</summary>
    public static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Registers a job server like Hangfire's <c>AddHangfireServer</c>, with this bounded stop. Not AddHostedService:
    /// it keeps one hosted service per implementation type, so a second server would be dropped.
    /// </summary>
    public static IServiceCollection AddBoundedJobServer(IServiceCollection services, Action<BackgroundJobServerOptions> configure) =>
        services.AddSingleton<IHostedService>(sp =>
        {
            var options = new BackgroundJobServerOptions
            {
                ShutdownTimeout = DisposeWait,
                Activator = sp.GetRequiredService<JobActivator>(),
                FilterProvider = sp.GetService<IJobFilterProvider>(),
                TimeZoneResolver = sp.GetService<ITimeZoneResolver>(),
            };
            configure(options);
            var inner = new BackgroundJobServerHostedService(
                sp.GetRequiredService<JobStorage>(), options, sp.GetServices<IBackgroundProcess>(), sp.GetRequiredService<IHostApplicationLifetime>());
            return new BoundedJobServer(inner, sp.GetRequiredService<ILogger<BoundedJobServer>>());
        });

    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(StopWait);
        try
        {
            await server.StopAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Background jobs still running {Seconds} s after the stop were abandoned; they run again on the next start.", StopWait.TotalSeconds);
        }
    }

    public void Dispose() => server.Dispose();
}
