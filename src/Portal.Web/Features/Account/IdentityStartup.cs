using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Identity;
using Portal.Web.Features.Admin.Users;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Account;

/// <summary>
/// At start-up: the four roles exist; the bootstrap admin of <c>Portal:Bootstrap:AdminEmail/AdminPassword</c> exists;
/// demo users when the demo is on; and with still no user at all, a one-time setup link is printed.
/// </summary>
public static class IdentityStartup
{
    public static async Task InitializePortalIdentityAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        var users = services.GetRequiredService<UserManager<PortalUser>>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IdentityStartup));
        await CreateBootstrapAdminAsync(app.Configuration, users, services.GetRequiredService<UserAdminService>(), logger);

        // The demo is on unless switched off (API.md: default true on an empty database), and so are its users.
        if (app.Configuration.GetValue<bool?>("Portal:Demo:Enabled") != false && !await users.Users.AnyAsync())
        {
            await services.GetRequiredService<DemoUsers>().CreateAsync();
        }

        // Without local accounts the first admin comes from single sign-on (a group mapped to Admin).
        if (app.Configuration.GetValue<bool?>("Portal:Auth:LocalAccounts:Enabled") != false && !await users.Users.AnyAsync())
        {
            var token = app.Services.GetRequiredService<SetupToken>().Issue();
            app.Lifetime.ApplicationStarted.Register(() => logger.LogWarning(
                "No users yet. Open {SetupUrl} to create the first admin (the link works once).",
                $"{BaseAddress(app)}/setup?token={token}"));
        }
    }

    private static async Task CreateBootstrapAdminAsync(IConfiguration configuration, UserManager<PortalUser> users, UserAdminService userAdmin, ILogger logger)
    {
        var email = configuration["Portal:Bootstrap:AdminEmail"];
        var password = configuration["Portal:Bootstrap:AdminPassword"];
        if (string.IsNullOrWhiteSpace(email) && string.IsNullOrEmpty(password))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            throw new InvalidOperationException("Set both Portal:Bootstrap:AdminEmail and Portal:Bootstrap:AdminPassword, or neither.");
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return;
        }

        try
        {
            await userAdmin.CreateAsync(email, null, PortalRoles.Admin, password);
        }
        catch (UserAdminException e)
        {
            throw new InvalidOperationException($"The bootstrap admin {email} could not be created: {e.Message}");
        }

        logger.LogInformation("Created the bootstrap admin {Email} from Portal:Bootstrap:AdminEmail", email);
    }

    private static string BaseAddress(WebApplication app)
    {
        var address = app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
        return address.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost").TrimEnd('/');
    }
}
