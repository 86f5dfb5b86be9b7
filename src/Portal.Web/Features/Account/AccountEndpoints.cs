using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Portal.Web.Features.Account.SingleSignOn;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Account;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The app bar's "Sign out" form. Binding the form makes the endpoint check its antiforgery token. A person who
        // came through single sign-on is sent on to the provider's end_session_endpoint (when it has one), which sends
        // them back to /login.
        endpoints.MapPost("/logout", async Task<IResult> (HttpContext context, IFormCollection form) =>
        {
            var session = await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            if (session.Properties?.GetTokenValue(OpenIdConnectParameterNames.IdToken) is not null && await context.EndSessionEndpointAsync() is not null)
            {
                return TypedResults.SignOut(new AuthenticationProperties { RedirectUri = "/login" }, [OidcOptions.Scheme, IdentityConstants.ApplicationScheme]);
            }

            await context.SignOutAsync(IdentityConstants.ApplicationScheme);
            return TypedResults.LocalRedirect("/login");
        }).AllowAnonymous();
        endpoints.MapSingleSignOnEndpoints();

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
