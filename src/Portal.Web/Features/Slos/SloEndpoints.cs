using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.OpenApi;

namespace Portal.Web.Features.Slos;

/// <summary>
/// <c>/api/v1/models/{model}/slos</c>: SLO definitions with their latest status (any signed-in user or a key of the model);
/// create, change and delete for Engineers and admin keys. Bad input is problem+json naming the field.
/// </summary>
public static class SloEndpoints
{
    public static IEndpointRouteBuilder MapSloEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/models/{model}/slos").RequireAuthorization().WithTags("SLOs").WithModel();
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:int}", GetAsync);
        group.MapPost("/", CreateAsync).RequireEngineer().DocumentsBody<SloRequest>("application/json");
        group.MapPut("/{id:int}", UpdateAsync).RequireEngineer().DocumentsBody<SloRequest>("application/json");
        group.MapDelete("/{id:int}", DeleteAsync).RequireEngineer();
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<SloView>>> ListAsync(RouteModel route, SloService slos, CancellationToken cancellationToken) =>
        TypedResults.Ok(await slos.ListAsync(route.Entity, cancellationToken));

    private static async Task<Results<Ok<SloView>, ProblemHttpResult>> GetAsync(string model, int id, RouteModel route, SloService slos, CancellationToken cancellationToken) =>
        await slos.FindAsync(route.Entity, id, cancellationToken) is { } slo ? TypedResults.Ok(slo) : NotFound(model, id);

    private static async Task<Created<SloView>> CreateAsync(string model, SloRequest body, RouteModel route, SloService slos, CancellationToken cancellationToken)
    {
        var created = await slos.CreateAsync(route.Entity, body.ToInput(), cancellationToken);
        return TypedResults.Created($"/api/v1/models/{model}/slos/{created.Id}", created);
    }

    private static async Task<Results<Ok<SloView>, ProblemHttpResult>> UpdateAsync(string model, int id, SloRequest body, RouteModel route, SloService slos, CancellationToken cancellationToken) =>
        await slos.FindAsync(route.Entity, id, cancellationToken) is { } current
            && await slos.UpdateAsync(route.Entity, id, body.ToInput(current), cancellationToken) is { } slo
            ? TypedResults.Ok(slo)
            : NotFound(model, id);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string model, int id, RouteModel route, SloService slos, CancellationToken cancellationToken) =>
        await slos.DeleteAsync(route.Entity, id, cancellationToken) ? TypedResults.NoContent() : NotFound(model, id);

    private static ProblemHttpResult NotFound(string model, int id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown SLO", detail: $"Model '{model}' has no SLO {id}.");
}
