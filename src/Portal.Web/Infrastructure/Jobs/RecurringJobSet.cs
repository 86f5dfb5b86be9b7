using Hangfire;
using Hangfire.Storage;

namespace Portal.Web.Infrastructure.Jobs;

/// <summary>Keeps a family of per-model recurring jobs ("drift:fraud", "drift:churn", …) equal to what the database says.</summary>
public static class RecurringJobSet
{
    public static readonly RecurringJobOptions Utc = new() { TimeZone = TimeZoneInfo.Utc };

    /// <summary>The recurring job id of a model's job of a family: <c>drift:fraud-detector</c>.</summary>
    public static string Id(string family, string model) => $"{family}:{model}";

    /// <summary>Removes the family's recurring jobs whose id is not in <paramref name="keep"/>.</summary>
    public static void RemoveOthers(JobStorage storage, IRecurringJobManager jobs, string family, IReadOnlySet<string> keep)
    {
        using var connection = storage.GetConnection();
        foreach (var job in connection.GetRecurringJobs())
        {
            if (job.Id.StartsWith(family + ":", StringComparison.Ordinal) && !keep.Contains(job.Id))
            {
                jobs.RemoveIfExists(job.Id);
            }
        }
    }

    /// <summary>The cron of a recurring job, or null when it does not exist (for tests and the settings page).</summary>
    public static string? CronOf(JobStorage storage, string id)
    {
        using var connection = storage.GetConnection();
        return connection.GetRecurringJobs([id]).FirstOrDefault(j => !j.Removed)?.Cron;
    }
}
