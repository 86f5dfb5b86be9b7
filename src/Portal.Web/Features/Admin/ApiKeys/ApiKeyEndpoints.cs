using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Admin.ApiKeys;

/// <summary>
/// API keys for automation (Admin): <c>GET /api/v1/api-keys</c>, <c>POST /api/v1/api-keys {"name", "scope"}</c>
/// (the answer's <c>key</c> is shown once), <c>DELETE /api/v1/api-keys/{id}</c> revokes.
/// </summary>
public static class ApiKeyEndpoints
{
    public sealed record CreateRequest(string? Name, string? Scope);

    /// <summary>The new key (shown once) and its row.</summary>
    public sealed record CreateResponse(string Key, ApiKeyRow ApiKey);

    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/api-keys").RequireAdmin().WithTags("API keys");
        group.MapGet("/", async (ApiKeyService keys, CancellationToken ct) => TypedResults.Ok(await keys.ListAsync(ct)));
        group.MapPost("/", async Task<Created<CreateResponse>> (CreateRequest request, ApiKeyService keys, CancellationToken ct) =>
        {
            // Bad name or scope: ApiKeyInputException, a 400 naming the field (ProblemExceptionHandler).
            var created = await keys.CreateAsync(request.Name ?? "", request.Scope ?? "", ct);
            return TypedResults.Created($"/api/v1/api-keys/{created.Row.Id}", new CreateResponse(created.Key, created.Row));
        }).ProducesValidationProblem();
        group.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, ApiKeyService keys, CancellationToken ct) =>
            await keys.RevokeAsync(id, ct) ? TypedResults.NoContent() : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no API key {id}."));
        return endpoints;
    }
}
