using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure.Auth;

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
        var group = endpoints.MapGroup("/api/v1/models/{model}/drift").RequireAuthorization().WithTags("Drift");
        group.MapGet("/runs", ListRunsAsync);
        group.MapGet("/runs/latest", LatestAsync);
        group.MapPost("/run", RunNowAsync).RequireEngineer();
        group.MapGet("/settings", GetSettingsAsync);
        group.MapPut("/settings", PutSettingsAsync).RequireEngineer();
        return endpoints;
    }

    private static async Task<IResult> ListRunsAsync(string model, int? take, ClaimsPrincipal user, PortalDbContext db, CancellationToken cancellationToken)
    {
        var (entity, problem) = await ModelLookup.FindAsync(db, user, model, cancellationToken);
        if (entity is null)
        {
            return problem!;
        }

        var runs = await db.DriftRuns.AsNoTracking().Include(r => r.FeatureResults).Where(r => r.ModelId == entity.Id)
            .OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Take(Math.Clamp(take ?? 20, 1, MaxTake)).AsSplitQuery().ToListAsync(cancellationToken);
        return TypedResults.Ok(runs.Select(r => DriftRunDto.From(model, r)).ToList());
    }

    private static async Task<IResult> LatestAsync(string model, ClaimsPrincipal user, PortalDbContext db, CancellationToken cancellationToken)
    {
        var (entity, problem) = await ModelLookup.FindAsync(db, user, model, cancellationToken);
        if (entity is null)
        {
            return problem!;
        }

        var run = await db.DriftRuns.AsNoTracking().Include(r => r.FeatureResults).Where(r => r.ModelId == entity.Id)
            .OrderByDescending(r => r.At).ThenByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        return run is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No drift run yet", detail: $"Model '{model}' has no drift run yet; POST /api/v1/models/{model}/drift/run starts one.")
            : TypedResults.Ok(DriftRunDto.From(model, run));
    }

    private static async Task<IResult> RunNowAsync(string model, ClaimsPrincipal user, PortalDbContext db, DriftSettingsService settings, CancellationToken cancellationToken)
    {
        var (entity, problem) = await ModelLookup.FindAsync(db, user, model, cancellationToken);
        if (entity is null)
        {
            return problem!;
        }

        var jobId = settings.RunNow(entity.Id);
        return TypedResults.Accepted($"/api/v1/models/{model}/drift/runs/latest", new { model, jobId });
    }

    private static async Task<IResult> GetSettingsAsync(string model, ClaimsPrincipal user, PortalDbContext db, DriftSettingsService settings, CancellationToken cancellationToken)
    {
        var (entity, problem) = await ModelLookup.FindAsync(db, user, model, cancellationToken);
        return entity is null ? problem! : TypedResults.Ok(await settings.GetAsync(entity.Id, cancellationToken));
    }

    private static async Task<IResult> PutSettingsAsync(string model, JsonElement body, ClaimsPrincipal user, PortalDbContext db, DriftSettingsService settings, CancellationToken cancellationToken)
    {
        var (entity, problem) = await ModelLookup.FindAsync(db, user, model, cancellationToken);
        return entity is null ? problem! : TypedResults.Ok(await settings.SaveAsync(entity, DriftSettingsRules.Parse(body), cancellationToken));
    }
}
