using Portal.Web.Features.Admin.ApiKeys;
using Portal.Web.Features.Admin.Audit;
using Portal.Web.Features.Admin.Users;

namespace Portal.Web.Features.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>Users, API keys and the audit log's page.</summary>
    public static IServiceCollection AddPortalAdmin(this IServiceCollection services)
    {
        services.AddScoped<AuditQuery>();
        services.AddScoped<UserAdminService>();
        services.AddScoped<ApiKeyService>();
        return services;
    }

    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapApiKeyEndpoints();
        endpoints.MapAuditEndpoints();
        return endpoints;
    }
}
