using System.Security.Claims;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Ingestion;

/// <summary>Who may send data for a model: an API key scoped to it, an admin-scoped key, or a signed-in Admin.</summary>
public static class IngestionAuth
{
    public static bool CanWrite(ClaimsPrincipal user, string model)
    {
        var scope = user.FindFirstValue(PortalClaims.KeyScope);
        return scope == PortalClaims.AdminScope || scope == model || (scope is null && user.IsInRole(PortalRoles.Admin));
    }

    /// <summary>The model a model-scoped key is limited to, or null for admin keys and people.</summary>
    public static string? ScopedModel(ClaimsPrincipal user) =>
        user.FindFirstValue(PortalClaims.KeyScope) is { } scope && scope != PortalClaims.AdminScope ? scope : null;

    public static IResult Forbidden(string model) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Forbidden",
        detail: $"This API key may not send data for model '{model}': use a key scoped to '{model}' or an admin key.");

    public static IResult UnknownModel(string model) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown model",
        detail: $"There is no model '{model}'. Create it in the UI or with PUT /api/v1/models/{model} (admin key).");
}
