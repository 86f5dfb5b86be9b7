using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Infrastructure.Models;

/// <summary>Finds the model of a <c>/models/{model}/…</c> route for a caller, with the 403/404 answers the API gives.</summary>
public static class ModelLookup
{
    /// <summary>
    /// The model with its features, or the problem to answer: 403 for an API key scoped to another model, 404 for an
    /// unknown model. People (any role) and admin keys read every model.
    /// </summary>
    public static async Task<(MlModel? Model, IResult? Problem)> FindAsync(PortalDbContext db, ClaimsPrincipal user, string model, CancellationToken cancellationToken)
    {
        if (!ModelAccess.CanRead(user, model))
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"This API key may not read model '{model}'."));
        }

        var entity = await WithFeaturesAsync(db, model, cancellationToken);
        return entity is null ? (null, IngestionAuth.UnknownModel(model)) : (entity, null);
    }

    /// <summary>The model named <paramref name="name"/> with its features, untracked; null when there is none.</summary>
    public static Task<MlModel?> WithFeaturesAsync(PortalDbContext db, string name, CancellationToken cancellationToken) =>
        db.Models.AsNoTracking().Include(m => m.Features).FirstOrDefaultAsync(m => m.Name == name, cancellationToken);
}
