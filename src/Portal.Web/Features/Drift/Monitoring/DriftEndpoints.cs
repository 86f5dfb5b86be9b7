using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Analysis.Drift;
using Portal.Web.Features.Analysis;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>
/// <c>/api/v1/models/{model}/drift</c>: the runs of the drift job, its settings, "run now", and saved ad-hoc reports.
/// Reading needs any signed-in user or an API key of the model (or admin); changing needs an Engineer or an admin key
/// (and deleting a saved report its author or an Admin).
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
        group.MapGet("/reports", ListReportsAsync);
        group.MapGet("/reports/{id:int}", GetReportAsync);
        group.MapPost("/reports", SaveReportAsync).RequireEngineer();
        group.MapDelete("/reports/{id:int}", DeleteReportAsync).RequireEngineer();
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

    private static async Task<Ok<IReadOnlyList<SavedDriftReportSummary>>> ListReportsAsync(RouteModel route, SavedDriftReports reports, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reports.ListAsync(route.Name, cancellationToken));

    private static async Task<Results<Ok<SavedDriftReportView>, ProblemHttpResult>> GetReportAsync(int id, RouteModel route, SavedDriftReports reports, CancellationToken cancellationToken) =>
        await reports.FindAsync(route.Name, id, cancellationToken) is { } report ? TypedResults.Ok(report) : ReportNotFound(route.Name, id);

    /// <summary>Runs the drift analysis of the body (as <c>POST /api/v1/analysis/drift</c>) and saves its result under the name.</summary>
    private static async Task<Created<SavedDriftReportSummary>> SaveReportAsync(SaveDriftReportRequest? body, RouteModel route, SavedDriftReports reports, CancellationToken cancellationToken)
    {
        var request = RequestValues.RequireBody(body);
        var analysis = DriftRequestReader.FromJson(new DriftAnalysisRequest(request.Reference, request.Current, request.ColumnTypes, request.Tests, request.Thresholds, request.DriftShare));
        var report = DriftAnalyzer.Analyze(analysis.Columns, analysis.Options);
        var saved = await reports.SaveAsync(route.Name, request.Name, request.ReferenceName, request.CurrentName, report, cancellationToken);
        return TypedResults.Created($"/api/v1/models/{route.Name}/drift/reports/{saved.Id}", saved);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteReportAsync(int id, RouteModel route, SavedDriftReports reports, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await reports.DeleteAsync(route.Name, id, user, cancellationToken) ? TypedResults.NoContent() : ReportNotFound(route.Name, id);

    private static ProblemHttpResult ReportNotFound(string model, int id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Drift report not found", detail: $"Model '{model}' has no saved drift report {id}.");
}

/// <summary>
/// <c>POST /api/v1/models/{model}/drift/reports</c>: a name, what the two datasets were, and the body of
/// <c>POST /api/v1/analysis/drift</c> (values by column, optional types, tests, thresholds and drift share).
/// </summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record SaveDriftReportRequest(
    string? Name,
    string? ReferenceName,
    string? CurrentName,
    IReadOnlyDictionary<string, JsonScalar[]?>? Reference,
    IReadOnlyDictionary<string, JsonScalar[]?>? Current,
    IReadOnlyDictionary<string, string?>? ColumnTypes,
    IReadOnlyDictionary<string, DriftTestList?>? Tests,
    IReadOnlyDictionary<string, double>? Thresholds,
    double? DriftShare);
