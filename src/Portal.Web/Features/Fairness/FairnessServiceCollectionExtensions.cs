using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Fairness;

public static class FairnessServiceCollectionExtensions
{
    /// <summary>The scheduled fairness job per model with sensitive attributes, its settings and results.</summary>
    public static IServiceCollection AddFairnessMonitoring(this IServiceCollection services)
    {
        services.AddScoped<FairnessSettingsService>();
        services.AddScoped<FairnessResults>();
        services.AddScoped<FairnessJob>();
        services.AddScoped<IRecurringJobSource, FairnessSchedules>();
        return services;
    }
}
