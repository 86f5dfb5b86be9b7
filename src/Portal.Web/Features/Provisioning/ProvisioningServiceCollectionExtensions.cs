using Portal.Web.Infrastructure.Provisioning;

namespace Portal.Web.Features.Provisioning;

public static class ProvisioningServiceCollectionExtensions
{
    /// <summary>The guard every service asks before a write, and provisioning from <c>Portal:Provisioning:Path</c>.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ProvisioningOptions>(configuration.GetSection(ProvisioningOptions.Section));
        services.AddSingleton<ProvisioningGuard>();
        services.AddScoped<ProvisioningApplier>();
        services.AddScoped<ProvisioningExporter>();
        services.AddSingleton<ProvisioningService>();
        services.AddHostedService<ProvisioningWatcher>();
        return services;
    }
}
