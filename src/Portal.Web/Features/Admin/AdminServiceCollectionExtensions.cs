using Portal.Web.Features.Account;
using Portal.Web.Features.Admin.ApiKeys;
using Portal.Web.Features.Admin.Audit;
using Portal.Web.Features.Admin.Users;

namespace Portal.Web.Features.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>Users, API keys, the audit log (<see cref="IAuditLog"/>) and the account pages' services.</summary>
    public static IServiceCollection AddPortalAdmin(this IServiceCollection services)
    {
        services.AddScoped<IAuditLog, AuditLog>();
        services.AddScoped<AuditQuery>();
        services.AddScoped<UserAdminService>();
        services.AddScoped<ApiKeyService>();
        services.AddScoped<DemoUsers>();
        return services;
    }

    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAccountEndpoints();
        endpoints.MapApiKeyEndpoints();
        endpoints.MapAuditEndpoints();
        return endpoints;
    }
}
