using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Web.Infrastructure.Models;

/// <summary>The 404 that model routes answer (who may write is <see cref="Infrastructure.Auth.ModelAccess"/>).</summary>
public static class IngestionAuth
{
    public static ProblemHttpResult UnknownModel(string model) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown model",
        detail: $"There is no model '{model}'. Create it in the UI or with PUT /api/v1/models/{model} (admin key, or a signed-in Engineer or higher).");
}
