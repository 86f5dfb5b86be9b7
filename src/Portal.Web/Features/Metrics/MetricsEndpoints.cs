using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Auth;
using Prometheus;

namespace Portal.Web.Features.Metrics;

public static class MetricsEndpoints
{
    public static IServiceCollection AddPortalMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MetricsOptions>(configuration.GetSection(MetricsOptions.Section));
        services.AddSingleton<PortalMetrics>();
        return services;
    }

    /// <summary>
    /// <c>GET /metrics</c>: Prometheus text exposition of the ml_* metrics. Anonymous by default (Prometheus scrapes
    /// it); with <c>Portal:Metrics:RequireApiKey</c> true it needs a valid API key (header <c>X-Api-Key</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapPortalMetrics(this IEndpointRouteBuilder endpoints)
    {
        var metrics = endpoints.ServiceProvider.GetRequiredService<PortalMetrics>();
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        var endpoint = endpoints.MapMetrics("/metrics", metrics.Registry);
        if (options.RequireApiKey)
        {
            endpoint.RequireAuthorization(policy => policy.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        }
        else
        {
            endpoint.AllowAnonymous();
        }

        return endpoints;
    }
}
