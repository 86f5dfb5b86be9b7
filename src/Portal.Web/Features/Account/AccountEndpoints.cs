using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Account;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The app bar's "Sign out" form. Binding the form makes the endpoint check its antiforgery token.
        endpoints.MapPost("/logout", async (HttpContext context, IFormCollection form) =>
        {
            await context.SignOutAsync(IdentityConstants.ApplicationScheme);
            return Results.LocalRedirect("/login");
        }).AllowAnonymous();

        // Who am I: the caller's name, role and API key scope; any signed-in user or API key.
        endpoints.MapGet("/api/v1/me", (ClaimsPrincipal user) => TypedResults.Ok(new
        {
            name = user.Identity?.Name,
            role = PortalRoles.Highest(user.FindAll(ClaimTypes.Role).Select(c => c.Value)),
            scope = ModelAccess.IsAdminKey(user) ? PortalClaims.AdminScope : ModelAccess.ScopedModel(user),
        })).RequireAuthorization().WithTags("Account");
        return endpoints;
    }
}
