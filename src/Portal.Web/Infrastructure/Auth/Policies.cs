using Microsoft.AspNetCore.Authorization;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// Authorization policies. Roles are hierarchical: a higher role satisfies every lower policy (an Admin passes
/// <see cref="Engineer"/>). Use them on pages (<c>@attribute [Authorize(Policy = Policies.Engineer)]</c>) and on
/// endpoints (<see cref="AuthorizationConventions"/>). Anything without its own authorization needs at least a Viewer.
/// </summary>
public static class Policies
{
    public const string Viewer = "AtLeastViewer";
    public const string Engineer = "AtLeastEngineer";
    public const string ProductOwner = "AtLeastProductOwner";
    public const string Admin = "AtLeastAdmin";

    /// <summary>
    /// Writes to the model named by the route value <c>{model}</c>: an API key scoped to that model, an admin key,
    /// or a signed-in Engineer (or higher). See <see cref="ModelAccess"/>.
    /// </summary>
    public const string ModelWriter = "ModelWriter";

    public static string ForRole(string role) => role switch
    {
        PortalRoles.Viewer => Viewer,
        PortalRoles.Engineer => Engineer,
        PortalRoles.ProductOwner => ProductOwner,
        PortalRoles.Admin => Admin,
        _ => throw new ArgumentException($"'{role}' is not a portal role.", nameof(role)),
    };

    internal static void Configure(AuthorizationOptions options)
    {
        foreach (var role in PortalRoles.All)
        {
            options.AddPolicy(ForRole(role), p => p.RequireRole(PortalRoles.AtLeast(role)));
        }

        options.AddPolicy(ModelWriter, p => p.AddRequirements(new ModelScopeRequirement("model")));
        options.FallbackPolicy = options.GetPolicy(Viewer);
    }
}
