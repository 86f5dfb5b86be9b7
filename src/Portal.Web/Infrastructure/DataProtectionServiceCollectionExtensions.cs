using Microsoft.AspNetCore.DataProtection;
using Portal.Data;

namespace Portal.Web.Infrastructure;

public static class DataProtectionServiceCollectionExtensions
{
    /// <summary>
    /// ASP.NET Core Data Protection with its key ring in the portal database (table DataProtectionKeys): keys survive
    /// restarts and are shared by every node, so sign-in cookies, antiforgery tokens and encrypted channel secrets made
    /// on one node are readable on the others and after a restart.
    /// </summary>
    public static IServiceCollection AddPortalDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection()
            .SetApplicationName("Portal")
            .PersistKeysToDbContext<PortalDbContext>();
        return services;
    }
}
