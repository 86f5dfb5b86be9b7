using Microsoft.AspNetCore.Authorization;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// The caller may write to the model named by the route value <see cref="RouteValue"/> (<see cref="ModelAccess.CanWrite"/>);
/// on a route without it (the model is in the body), the caller may write to some model and the handler checks each one.
/// </summary>
public sealed record ModelScopeRequirement(string RouteValue) : IAuthorizationRequirement;

public sealed class ModelScopeHandler : AuthorizationHandler<ModelScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ModelScopeRequirement requirement)
    {
        var model = (context.Resource as HttpContext)?.GetRouteValue(requirement.RouteValue) as string;
        if (model is null ? ModelAccess.CanWriteSomeModel(context.User) : ModelAccess.CanWrite(context.User, model))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
