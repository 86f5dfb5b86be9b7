using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Portal.Data;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Infrastructure.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>Workers that take <see cref="JobQueues.ByPriority"/>: one per core, at least two.</summary>
    public static int SharedWorkerCount => Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Hangfire on Hangfire.InMemory (embedded default) or PostgreSQL (scale-out: every scheduled run happens once
    /// across the cluster). Recurring jobs are registered from the database at start-up (IRecurringJobSource), so
    /// nothing that matters lives only in memory.
    /// </summary>
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = DataServiceCollectionExtensions.ReadProvider(configuration);
        services.Configure<JobsOptions>(configuration.GetSection(JobsOptions.Section));

        // The storage and the activator belong to this host. Hangfire's defaults read the process-wide
        // JobStorage.Current / JobActivator.Current, which another host in the same process (tests) may replace.
        services.AddSingleton<JobStorage>(_ =>
        {
            if (provider != DatabaseProvider.Postgres)
            {
                return new InMemoryStorage();
            }

            var options = PostgresJobStorage.Options();
            var connectionString = configuration.GetConnectionString(DataServiceCollectionExtensions.ConnectionName);
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        });
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        BoundedJobServer.AddBoundedJobServer(services, o =>
        {
            o.WorkerCount = SharedWorkerCount;
            o.Queues = JobQueues.ByPriority;
            o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
        });
        // A worker of its own for alerting, so an evaluation never waits for a long model job to end. Lightweight:
        // workers only; the server above already runs the recurring and delayed schedulers and the expiration.
        BoundedJobServer.AddBoundedJobServer(services, o =>
        {
            o.ServerName = $"{Environment.MachineName}:alerting";
            o.WorkerCount = 1;
            o.Queues = [JobQueues.Alerting];
            o.IsLightweightServer = true;
        });
        // And a worker of its own for each family of model jobs, which only it takes: in one shared queue a quarter-hour's
        // thousand quality runs held every worker while the hour's drift runs waited.
        foreach (var queue in JobQueues.ModelJobs)
        {
            BoundedJobServer.AddBoundedJobServer(services, o =>
            {
                o.ServerName = $"{Environment.MachineName}:{queue}";
                o.WorkerCount = 1;
                o.Queues = [queue];
                o.IsLightweightServer = true;
            });
        }

        services.AddScoped<JobRunRecorder>();
        services.AddScoped<RecurringJobSchedules>();
        services.AddScoped<IRecurringJobSource, ScheduleSyncJobSource>();
        services.AddHostedService<RecurringJobRegistrar>();
        return services;
    }

    /// <summary>The Hangfire dashboard at /jobs, for Admins only.</summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHangfireDashboard("/jobs", new DashboardOptions { Authorization = [], DisplayStorageConnectionString = false, AppPath = "/" })
            .RequireAdmin();
        return endpoints;
    }
}
