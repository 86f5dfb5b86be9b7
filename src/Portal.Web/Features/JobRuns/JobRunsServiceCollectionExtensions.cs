namespace Portal.Web.Features.JobRuns;

public static class JobRunsServiceCollectionExtensions
{
    /// <summary>The Job runs page and API.</summary>
    public static IServiceCollection AddJobRuns(this IServiceCollection services) => services.AddScoped<JobRunQuery>();
}
