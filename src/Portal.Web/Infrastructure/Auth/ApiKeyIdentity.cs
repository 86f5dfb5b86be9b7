using System.Security.Claims;
using Portal.Data.Identity;

namespace Portal.Web.Infrastructure.Auth;

public static class ApiKeyIdentity
{
    /// <summary>An admin key: acts as an Admin in every policy.</summary>
    public static ClaimsIdentity Admin(string name) => new(
        [new(ClaimTypes.Name, name), new(PortalClaims.KeyKind, PortalClaims.AdminKey), new(ClaimTypes.Role, PortalRoles.Admin)],
        ApiKeyAuthenticationHandler.SchemeName);

    /// <summary>A model-scoped key: no role, only its model (see <see cref="ModelAccess"/>).</summary>
    public static ClaimsIdentity ForModel(string name, string model) => new(
        [new(ClaimTypes.Name, name), new(PortalClaims.KeyKind, PortalClaims.ModelKey), new(PortalClaims.KeyModel, model)],
        ApiKeyAuthenticationHandler.SchemeName);

    /// <summary>The identity of a key stored in the database, by its scope kind (never by its scope text).</summary>
    public static ClaimsIdentity Create(string name, ApiKeyScopeKind kind, string scope) =>
        kind == ApiKeyScopeKind.Admin ? Admin("api-key:" + name) : ForModel("api-key:" + name, scope);
}
