using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>Who is acting: the signed-in user of a Blazor page, or the caller of an HTTP endpoint.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authenticationState, IHttpContextAccessor httpContext)
{
    public async Task<ClaimsPrincipal> GetAsync()
    {
        try
        {
            return (await authenticationState.GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException)
        {
            // Outside Blazor (minimal API endpoints) the component authentication state is never set.
            return httpContext.HttpContext?.User ?? new ClaimsPrincipal(new ClaimsIdentity());
        }
    }

    /// <summary>The name recorded as actor: the user's e-mail, <c>api-key:&lt;name&gt;</c>, or <c>system</c>.</summary>
    public async Task<string> NameAsync() => (await GetAsync()).Identity?.Name ?? "system";
}
