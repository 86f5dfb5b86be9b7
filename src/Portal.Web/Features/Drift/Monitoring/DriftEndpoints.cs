using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>
/// <c>/api/v1/models/{model}/drift</c>: the runs of the drift job, its settings, and "run now". Reading needs any
/// signed-in user or an API key of the model (or admin); changing needs an Engineer or an admin key.
/// </summary>
public static class DriftEndpoints
{
    public const int MaxTake = 500;

    public static IEndpointRouteBuilder MapDriftEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/models/{model}/drift").RequireAuthorization().WithTags("Drift").WithModel();
        group.MapGet("/runs", ListRunsAsync);
        group.MapGet("/runs/latest", LatestAsync);
        group.MapPost("/run", RunNow).RequireEngineer();
        group.MapGet("/settings", GetSettingsAsync);
        group.MapPut("/settings", PutSettingsAsync).RequireEngineer();
        return endpoints;
    }

    private static async Task<Ok<List<DriftRunDto>>> ListRunsAsync(string model, int? take, RouteModel route, PortalDbContext db, CancellationToken cancellationToken)
    {
        var runs = await db.DriftRuns.AsNoTracking().Include(r => r.FeatureResults).Where(r => r.ModelId == route.Id)
            .OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Take(Math.Clamp(take ?? 20, 1, MaxTake)).AsSplitQuery().ToListAsync(cancellationToken);
        return TypedResults.Ok(runs.Select(r => DriftRunDto.From(model, r)).ToList());
    }

    private static async Task<Results<Ok<DriftRunDto>, ProblemHttpResult>> LatestAsync(string model, RouteModel route, PortalDbContext db, CancellationToken cancellationToken)
    {
        var run = await db.DriftRuns.AsNoTracking().Include(r => r.FeatureResults).Where(r => r.ModelId == route.Id)
            .OrderByDescending(r => r.At).ThenByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        return run is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No drift run yet", detail: $"Model '{model}' has no drift run yet; POST /api/v1/models/{model}/drift/run starts one.")
            : TypedResults.Ok(DriftRunDto.From(model, run));
    }

    private static Accepted<JobAccepted> RunNow(string model, RouteModel route, DriftSettingsService settings) =>
        TypedResults.Accepted($"/api/v1/models/{model}/drift/runs/latest", new JobAccepted(model, settings.RunNow(route.Id)));

    private static async Task<Ok<DriftSettingsView>> GetSettingsAsync(RouteModel route, DriftSettingsService settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.GetAsync(route.Id, cancellationToken));

    private static async Task<Ok<DriftSettingsView>> PutSettingsAsync(DriftSettingsRequest? body, RouteModel route, DriftSettingsService settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.SaveAsync(route.Entity, RequestValues.RequireBody(body).ToView(), cancellationToken));
}
