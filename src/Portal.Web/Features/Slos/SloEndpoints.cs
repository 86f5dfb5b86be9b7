using System.Security.Claims;
using System.Text.Json;
using Portal.Data;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Slos;

/// <summary>
/// <c>/api/v1/models/{model}/slos</c>: SLO definitions with their latest status (any signed-in user or a key of the model);
/// create, change and delete for Engineers and admin keys. Bad input is problem+json naming the field.
/// </summary>
public static class SloEndpoints
{
    public static IEndpointRouteBuilder MapSloEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/models/{model}/slos").RequireAuthorization().WithTags("SLOs");
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:int}", GetAsync);
        group.MapPost("/", CreateAsync).RequireEngineer();
        group.MapPut("/{id:int}", UpdateAsync).RequireEngineer();
        group.MapDelete("/{id:int}", DeleteAsync).RequireEngineer();
        return endpoints;
    }

    private static async Task<IResult> ListAsync(string model, ClaimsPrincipal user, PortalDbContext db, SloService slos, CancellationToken cancellationToken)
    {
        var (entity, problem) = await ModelLookup.FindAsync(db, user, model, cancellationToken);
        return entity is null ? problem! : TypedResults.Ok(await slos.ListAsync(entity, cancellationToken));
    }

    private static async Task<IResult> GetAsync(string model, int id, ClaimsPrincipal user, PortalDbContext db, SloService slos, CancellationToken cancellationToken)
    {
        var (entity, problem) = await ModelLookup.FindAsync(db, user, model, cancellationToken);
        if (entity is null)
        {
            return problem!;
        }

        return await slos.FindAsync(entity, id, cancellationToken) is { } slo ? TypedResults.Ok(slo) : NotFound(model, id);
    }

    private static async Task<IResult> CreateAsync(string model, JsonElement body, ClaimsPrincipal user, PortalDbContext db, SloService slos, CancellationToken cancellationToken)
    {
        var (entity, problem) = await ModelLookup.FindAsync(db, user, model, cancellationToken);
        if (entity is null)
        {
            return problem!;
        }

        var created = await slos.CreateAsync(entity, SloInput.Parse(body), cancellationToken);
        return TypedResults.Created($"/api/v1/models/{model}/slos/{created.Id}", created);
    }

    private static async Task<IResult> UpdateAsync(string model, int id, JsonElement body, ClaimsPrincipal user, PortalDbContext db, SloService slos, CancellationToken cancellationToken)
    {
        var (entity, problem) = await ModelLookup.FindAsync(db, user, model, cancellationToken);
        if (entity is null)
        {
            return problem!;
        }

        return await slos.UpdateAsync(entity, id, SloInput.Parse(body), cancellationToken) is { } slo ? TypedResults.Ok(slo) : NotFound(model, id);
    }

    private static async Task<IResult> DeleteAsync(string model, int id, ClaimsPrincipal user, PortalDbContext db, SloService slos, CancellationToken cancellationToken)
    {
        var (entity, problem) = await ModelLookup.FindAsync(db, user, model, cancellationToken);
        if (entity is null)
        {
            return problem!;
        }

        return await slos.DeleteAsync(entity, id, cancellationToken) ? TypedResults.NoContent() : NotFound(model, id);
    }

    private static IResult NotFound(string model, int id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown SLO", detail: $"Model '{model}' has no SLO {id}.");
}
