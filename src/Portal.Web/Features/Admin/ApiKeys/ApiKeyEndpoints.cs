using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Admin.ApiKeys;

/// <summary>
/// API keys for automation (Admin): <c>GET /api/v1/api-keys</c>, <c>POST /api/v1/api-keys {"name", "scope"}</c>
/// (the answer's <c>key</c> is shown once), <c>DELETE /api/v1/api-keys/{id}</c> revokes.
/// </summary>
public static class ApiKeyEndpoints
{
    public sealed record CreateRequest(string? Name, string? Scope);

    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/api-keys").RequireAdmin().WithTags("API keys");
        group.MapGet("/", async (ApiKeyService keys, CancellationToken ct) => TypedResults.Ok(await keys.ListAsync(ct)));
        group.MapPost("/", async (CreateRequest request, ApiKeyService keys, CancellationToken ct) =>
        {
            try
            {
                var created = await keys.CreateAsync(request.Name ?? "", request.Scope ?? "", ct);
                return Results.Created($"/api/v1/api-keys/{created.Row.Id}", new { key = created.Key, apiKey = created.Row });
            }
            catch (ApiKeyInputException e)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [$"{e.Field} {e.Message}"] });
            }
        });
        group.MapDelete("/{id:int}", async (int id, ApiKeyService keys, CancellationToken ct) =>
            await keys.RevokeAsync(id, ct) ? Results.NoContent() : Results.Problem(statusCode: 404, title: "Not found", detail: $"There is no API key {id}."));
        return endpoints;
    }
}
