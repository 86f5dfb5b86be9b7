using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Experiments;

public static class ExperimentsServiceCollectionExtensions
{
    /// <summary>Experiments: definitions and lifecycle, observations, analysis (job every 5 minutes while running).</summary>
    public static IServiceCollection AddExperiments(this IServiceCollection services)
    {
        services.AddScoped<ExperimentService>();
        services.AddScoped<ObservationWriter>();
        services.AddScoped<ExperimentDataLoader>();
        services.AddScoped<ExperimentAnalysisService>();
        services.AddScoped<ExperimentAnalysisJob>();
        services.AddScoped<IRecurringJobSource, ExperimentJobSource>();
        return services;
    }
}
