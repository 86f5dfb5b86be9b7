using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data.Entities.Alerting;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Runbooks;

/// <summary>A runbook as the API writes it: Markdown and tags.</summary>
public sealed record RunbookRequest(string? Title, string? Markdown, IReadOnlyList<string>? Tags);

/// <summary>A runbook (or one of its versions) as the API reads it.</summary>
public sealed record RunbookView(int Id, string Title, string Markdown, IReadOnlyList<string> Tags, int Version, DateTime UpdatedAt, string UpdatedBy)
{
    public static RunbookView From(Runbook r) => new(r.Id, r.Title, r.Markdown, RunbookService.SplitTags(r.Tags), r.Version, r.UpdatedAt, r.UpdatedBy);

    public static RunbookView From(RunbookVersion v) => new(v.RunbookId, v.Title, v.Markdown, RunbookService.SplitTags(v.Tags), v.Version, v.At, v.By);
}

/// <summary>A runbook rendered as the portal shows it: sanitized HTML (no raw HTML from the Markdown).</summary>
public sealed record RenderedRunbook(int Id, string Title, int Version, string Html);

/// <summary><c>/api/v1/runbooks</c>: read by Viewers, written by Admins (as the pages), every change audited and versioned.</summary>
public static class RunbookEndpoints
{
    public static IEndpointRouteBuilder MapRunbookEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var runbooks = endpoints.MapGroup("/api/v1/runbooks").RequireViewer().WithTags("Runbooks");
        runbooks.MapGet("", async (string? tag, RunbookService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(tag, ct)));
        runbooks.MapGet("/{id:int}", async Task<Results<Ok<RunbookView>, ProblemHttpResult>> (int id, RunbookService service, CancellationToken ct) =>
            await service.FindAsync(id, ct) is { } runbook ? TypedResults.Ok(RunbookView.From(runbook)) : NotFound(id));
        runbooks.MapGet("/{id:int}/versions", async Task<Results<Ok<List<RunbookView>>, ProblemHttpResult>> (int id, RunbookService service, CancellationToken ct) =>
            await service.FindAsync(id, ct) is null ? NotFound(id) : TypedResults.Ok((await service.VersionsAsync(id, ct)).Select(RunbookView.From).ToList()));
        runbooks.MapGet("/{id:int}/versions/{version:int}", async Task<Results<Ok<RunbookView>, ProblemHttpResult>> (int id, int version, RunbookService service, CancellationToken ct) =>
            (await service.VersionsAsync(id, ct)).FirstOrDefault(v => v.Version == version) is { } found
                ? TypedResults.Ok(RunbookView.From(found))
                : NotFound(id, $"Runbook {id} has no version {version}."));
        runbooks.MapGet("/{id:int}/render", async Task<Results<Ok<RenderedRunbook>, ProblemHttpResult>> (int id, RunbookService service, CancellationToken ct) =>
            await service.FindAsync(id, ct) is { } runbook
                ? TypedResults.Ok(new RenderedRunbook(runbook.Id, runbook.Title, runbook.Version, SafeMarkdown.ToHtml(runbook.Markdown)))
                : NotFound(id));
        runbooks.MapPost("", async Task<Created<RunbookView>> (RunbookRequest request, RunbookService service, CancellationToken ct) =>
        {
            var saved = await service.SaveAsync(null, request.Title ?? "", request.Markdown ?? "", string.Join(",", request.Tags ?? []), ct);
            return TypedResults.Created($"/api/v1/runbooks/{saved.Id}", RunbookView.From(saved));
        }).RequireAdmin().ProducesValidationProblem();
        runbooks.MapPut("/{id:int}", async Task<Results<Ok<RunbookView>, ProblemHttpResult>> (int id, RunbookRequest request, RunbookService service, CancellationToken ct) =>
        {
            if (await service.FindAsync(id, ct) is null)
            {
                return NotFound(id);
            }

            var saved = await service.SaveAsync(id, request.Title ?? "", request.Markdown ?? "", string.Join(",", request.Tags ?? []), ct);
            return TypedResults.Ok(RunbookView.From(saved));
        }).RequireAdmin().ProducesValidationProblem();
        runbooks.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, RunbookService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? TypedResults.NoContent() : NotFound(id)).RequireAdmin();
        return endpoints;
    }

    private static ProblemHttpResult NotFound(int id, string? detail = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail ?? $"There is no runbook {id}.");
}
