using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Drift.Monitoring;

public static class DriftMonitoringServiceCollectionExtensions
{
    /// <summary>The scheduled drift job per model, its settings and its readers.</summary>
    public static IServiceCollection AddDriftMonitoring(this IServiceCollection services)
    {
        services.AddScoped<DriftSettingsService>();
        services.AddScoped<SavedDriftReports>();
        services.AddScoped<PredictionWindowReader>();
        services.AddScoped<ReferenceReader>();
        services.AddMemoryCache();
        services.AddScoped<MultivariateDrift>();
        services.AddSingleton<MultivariateDriftDashboard>();
        services.AddScoped<DriftJob>();
        services.AddScoped<IRecurringJobSource, DriftSchedules>();
        return services;
    }
}
