using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Quality;

/// <summary>
/// <c>GET /api/v1/models/{model}/quality?window=1h|1d|7d</c>: the latest quality job results of the window: all
/// predictions (version "" and segment ""), each version and each segment; all-segment rows of binary models also carry
/// the performance estimated without labels (estimatedAccuracy … estimatedRocAucUpper, estimationCalibrated,
/// estimationScores, or estimationNote saying why there is none). <c>POST /api/v1/models/{model}/quality/run</c>
/// (Engineer) runs the quality job now.
/// </summary>
public static class QualityEndpoints
{
    public sealed record QualityAnswer(string Model, JobWindow Window, DateTime? At, IReadOnlyList<QualityResult> Results);

    public static IEndpointRouteBuilder MapQualityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/models/{model}/quality").RequireAuthorization().WithTags("Quality").WithModel();
        group.MapGet("", GetAsync);
        group.MapPost("/run", RunNow).RequireEngineer();
        return endpoints;
    }

    private static Accepted<JobAccepted> RunNow(string model, RouteModel route, IBackgroundJobClient jobs)
    {
        var id = route.Id;
        var jobId = jobs.Enqueue<QualityJob>(j => j.RunAsync(id, null, CancellationToken.None));
        return TypedResults.Accepted($"/api/v1/models/{model}/quality", new JobAccepted(model, jobId));
    }

    private static async Task<Ok<QualityAnswer>> GetAsync(string model, string? window, RouteModel route, PortalDbContext db, CancellationToken cancellationToken)
    {
        window ??= "1d";
        if (!JobWindows.TryParse(window, out var jobWindow))
        {
            throw new AnalysisInputException("window", $"'{window}' is not a quality window: use 1h, 1d or 7d.");
        }

        var modelId = route.Id;
        var latest = await db.QualityResults.AsNoTracking().Where(r => r.ModelId == modelId && r.Window == jobWindow)
            .OrderByDescending(r => r.JobRunId).Select(r => (long?)r.JobRunId).FirstOrDefaultAsync(cancellationToken);
        var results = latest is null ? [] : await db.QualityResults.AsNoTracking()
            .Where(r => r.JobRunId == latest && r.Window == jobWindow)
            .OrderBy(r => r.Segment != "").ThenBy(r => r.Version != "").ThenBy(r => r.Version).ThenBy(r => r.Segment)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new QualityAnswer(model, jobWindow, results.FirstOrDefault()?.At, results));
    }
}
