using Portal.Web.Features.Admin.Users;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Account;

/// <summary>
/// One demo user per role (demo-viewer@portal.local …) with random passwords, printed once to the console
/// (never to the logs). Only for the demo: called at start-up unless <c>Portal:Demo:Enabled</c> is false, when there
/// are no users yet.
/// </summary>
public sealed class DemoUsers(UserAdminService userAdmin, ILogger<DemoUsers> logger)
{
    public const string Domain = "portal.local";

    public async Task<IReadOnlyList<(string Email, string Role, string Password)>> CreateAsync()
    {
        var created = new List<(string, string, string)>();
        foreach (var role in PortalRoles.All)
        {
            var (user, password) = await userAdmin.CreateAsync($"demo-{role.ToLowerInvariant()}@{Domain}", $"Demo {role}", role);
            created.Add((user.Email, role, password));
        }

        Console.WriteLine("Demo users (these passwords are shown only now):");
        foreach (var (email, role, password) in created)
        {
            Console.WriteLine($"  {role,-12} {email,-32} {password}");
        }

        logger.LogInformation("Created {Count} demo users; their passwords were printed to the console once", created.Count);
        return created;
    }
}
