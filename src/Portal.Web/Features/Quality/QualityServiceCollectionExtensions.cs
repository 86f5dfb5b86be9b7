using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Quality;

public static class QualityServiceCollectionExtensions
{
    /// <summary>The scheduled quality job per model.</summary>
    public static IServiceCollection AddQualityMonitoring(this IServiceCollection services)
    {
        services.AddScoped<QualityJob>();
        services.AddScoped<PerformanceEstimator>();
        services.AddSingleton<EstimatedPerformanceSource>();
        services.AddScoped<IRecurringJobSource, QualitySchedules>();
        return services;
    }
}
