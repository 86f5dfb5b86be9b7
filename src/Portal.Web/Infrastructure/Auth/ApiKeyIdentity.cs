using System.Security.Claims;

namespace Portal.Web.Infrastructure.Auth;

public static class ApiKeyIdentity
{
    /// <summary>
    /// The identity of a machine client. An admin-scoped key acts as an Admin; a model-scoped key has no role,
    /// only its scope (see <see cref="Policies.ModelWriter"/>).
    /// </summary>
    public static ClaimsIdentity Create(string name, string scope)
    {
        List<Claim> claims = [new(ClaimTypes.Name, "api-key:" + name), new(PortalClaims.KeyScope, scope)];
        if (scope == PortalClaims.AdminScope)
        {
            claims.Add(new Claim(ClaimTypes.Role, PortalRoles.Admin));
        }

        return new ClaimsIdentity(claims, ApiKeyAuthenticationHandler.SchemeName);
    }
}
