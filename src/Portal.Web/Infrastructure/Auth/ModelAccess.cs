using System.Security.Claims;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// The one rule for a model's data. Read: everyone signed in, and API keys of that model or admin keys.
/// Write its data (predictions, labels, resources, reference data, experiment traffic): an API key scoped to that model,
/// an admin key, or a signed-in Engineer or higher (README: Engineers manage models, schemas and reference data).
/// The model's definition itself (PUT /api/v1/models/{model}) is management: the Engineer policy, which admin keys pass.
/// Endpoints use it through <see cref="Policies.ModelWriter"/>; handlers that find the model elsewhere than in the
/// route call <see cref="CanWrite"/>.
/// </summary>
public static class ModelAccess
{
    private static readonly string[] WriterRoles = PortalRoles.AtLeast(PortalRoles.Engineer);

    public static bool IsApiKey(ClaimsPrincipal user) => user.HasClaim(c => c.Type == PortalClaims.KeyKind);

    public static bool IsAdminKey(ClaimsPrincipal user) => user.HasClaim(PortalClaims.KeyKind, PortalClaims.AdminKey);

    /// <summary>The model a model-scoped key is limited to; null for admin keys and people.</summary>
    public static string? ScopedModel(ClaimsPrincipal user) =>
        user.HasClaim(PortalClaims.KeyKind, PortalClaims.ModelKey) ? user.FindFirstValue(PortalClaims.KeyModel) : null;

    public static bool CanRead(ClaimsPrincipal user, string model) => ScopedModel(user) is not { } scoped || scoped == model;

    public static bool CanWrite(ClaimsPrincipal user, string model) => IsApiKey(user)
        ? IsAdminKey(user) || ScopedModel(user) == model
        : WriterRoles.Any(user.IsInRole);

    /// <summary>May write to at least one model: any API key, or an Engineer or higher (for routes without a <c>{model}</c>).</summary>
    public static bool CanWriteSomeModel(ClaimsPrincipal user) => IsApiKey(user) || WriterRoles.Any(user.IsInRole);
}
