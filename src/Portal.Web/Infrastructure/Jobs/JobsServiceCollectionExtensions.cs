using Hangfire;
using Hangfire.PostgreSql;
using Portal.Data;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Infrastructure.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Hangfire on Hangfire.InMemory (embedded default) or PostgreSQL (scale-out: every scheduled run happens once
    /// across the cluster). Recurring jobs are registered from the database at start-up (IRecurringJobSource), so
    /// nothing that matters lives only in memory.
    /// </summary>
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = DataServiceCollectionExtensions.ReadProvider(configuration);
        services.AddHangfire((sp, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()));
            if (provider == DatabaseProvider.Postgres)
            {
                config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(configuration.GetConnectionString(DataServiceCollectionExtensions.ConnectionName)), PostgresJobStorage.Options());
            }
            else
            {
                config.UseInMemoryStorage();
            }
        });
        services.AddHangfireServer(o =>
        {
            o.WorkerCount = Math.Max(2, Environment.ProcessorCount);
            o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
        });
        services.AddScoped<JobRunRecorder>();
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
