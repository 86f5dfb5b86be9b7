namespace Portal.Web.Features.Dashboards;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>The dashboards' data services (rollups and stored job results only) and the portal's own resource sampler.</summary>
    public static IServiceCollection AddDashboards(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PortalResourceOptions>(configuration.GetSection(PortalResourceOptions.Section));
        services.AddSingleton<HealthDashboard>();
        services.AddSingleton<QualityDashboard>();
        services.AddSingleton<DriftDashboard>();
        services.AddSingleton<ResourceDashboard>();
        services.AddSingleton<Infrastructure.Dashboards.ModelAnnotations>();
        services.AddSingleton<PortalProcessSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<PortalProcessSampler>());
        return services;
    }
}
