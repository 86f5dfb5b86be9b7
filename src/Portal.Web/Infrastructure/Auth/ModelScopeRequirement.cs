using Microsoft.AspNetCore.Authorization;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>The caller may write to the model named by the route value <see cref="RouteValue"/>.</summary>
public sealed record ModelScopeRequirement(string RouteValue) : IAuthorizationRequirement;

public sealed class ModelScopeHandler : AuthorizationHandler<ModelScopeRequirement>
{
    private static readonly string[] WriterRoles = PortalRoles.AtLeast(PortalRoles.Engineer);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ModelScopeRequirement requirement)
    {
        var user = context.User;
        var scope = user.FindFirst(PortalClaims.KeyScope)?.Value;
        var model = (context.Resource as HttpContext)?.GetRouteValue(requirement.RouteValue) as string;
        if (WriterRoles.Any(user.IsInRole) || scope == PortalClaims.AdminScope || (scope is not null && scope == model))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
