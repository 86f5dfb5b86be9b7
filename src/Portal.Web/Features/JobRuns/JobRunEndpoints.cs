using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.JobRuns;

public static class JobRunEndpoints
{
    /// <summary><c>GET /api/v1/jobs/runs?model=&amp;type=&amp;outcome=&amp;skip=&amp;take=</c>, newest first (Viewer or higher).</summary>
    public static IEndpointRouteBuilder MapJobRunEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/jobs/runs", async (JobRunQuery query, string? model, string? type, string? outcome, int? skip, int? take, CancellationToken cancellationToken) =>
            {
                var page = await query.SearchAsync(new JobRunFilter(model, type, JobRunQuery.ParseOutcome(outcome)), skip ?? 0, take ?? 100, cancellationToken);
                return TypedResults.Ok(new { total = page.Total, items = page.Items });
            })
            .RequireViewer()
            .WithTags("Jobs");
        return endpoints;
    }
}
