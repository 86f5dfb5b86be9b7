using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// A signed-in user who lacks the role for a page gets 403 and the page's "access denied" view
/// (rendered by AuthorizeRouteView in Routes.razor) instead of a redirect. Everything else is handled as usual:
/// anonymous people are sent to /login, API callers get problem+json.
/// </summary>
public sealed class PageAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return next(context);
        }

        return standard.HandleAsync(next, context, policy, authorizeResult);
    }
}
