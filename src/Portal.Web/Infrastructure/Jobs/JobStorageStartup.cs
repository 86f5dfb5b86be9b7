using Hangfire;

namespace Portal.Web.Infrastructure.Jobs;

public static class JobStorageStartup
{
    /// <summary>
    /// Creates the Hangfire storage now (on PostgreSQL: installs or upgrades its schema), so it can happen under the
    /// cluster start-up lock instead of racing another node's first use.
    /// </summary>
    public static void PrepareJobStorage(this IServiceProvider services) => services.GetRequiredService<JobStorage>();
}
