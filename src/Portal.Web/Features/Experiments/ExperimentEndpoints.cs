using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities.Experiments;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Validation;
using Portal.Web.Infrastructure.OpenApi;

namespace Portal.Web.Features.Experiments;

/// <summary>
/// /api/v1/experiments: CRUD and lifecycle (ProductOwner or admin key), reading and export (Viewer), assignment and
/// observations (an API key scoped to the experiment's model, or admin), and "analyse now".
/// </summary>
public static class ExperimentEndpoints
{
    public sealed record LifecycleDto(string? From, string To, string By, DateTime At, string? Note);

    public sealed record ExperimentDto(
        string Id, string Name, string? Hypothesis, string Model, string UnitType, string State,
        IReadOnlyList<ArmDraft> Arms, IReadOnlyList<MetricDraft> Metrics,
        double Alpha, double Power, double MinimumDetectableEffect, double? BaselineValue, double? BaselineStdDev, int Looks,
        long RequiredPerVariant, string CreatedBy, DateTime CreatedAt, DateTime? StartedAt, DateTime? StoppedAt, DateTime? ConcludedAt,
        string? Conclusion, IReadOnlyList<LifecycleDto> Lifecycle);

    public sealed record ObservationsResponse(int Accepted, IReadOnlyList<RejectedItem> Rejected);

    public sealed record AssignmentResponse(string Variant, string ModelVersion, bool Active);

    public sealed record TransitionRequest(string? Note);

    public static IEndpointRouteBuilder MapExperimentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Refusals are exceptions (ExperimentValidationException 400, ExperimentNotFoundException 404,
        // ExperimentConflictException 409) that ProblemExceptionHandler answers.
        var group = endpoints.MapGroup("/api/v1/experiments").WithTags("Experiments")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", List).RequireViewer();
        group.MapPost("/plan", Plan).RequireViewer();
        group.MapGet("/{id}", Get).RequireViewer();
        group.MapPost("/", Create).RequireProductOwner();
        group.MapPut("/{id}", Update).RequireProductOwner();
        group.MapDelete("/{id}", Delete).RequireProductOwner();
        group.MapPost("/{id}/start", (string id, ExperimentService s, CancellationToken ct) => Transition(id, s, () => s.StartAsync(id, ct), ct)).RequireProductOwner();
        group.MapPost("/{id}/stop", (string id, TransitionRequest? body, ExperimentService s, CancellationToken ct) => Transition(id, s, () => s.StopAsync(id, body?.Note, ct), ct)).RequireProductOwner();
        group.MapPost("/{id}/conclude", (string id, TransitionRequest? body, ExperimentService s, CancellationToken ct) => Transition(id, s, () => s.ConcludeAsync(id, body?.Note, ct), ct)).RequireProductOwner();
        group.MapPost("/{id}/analyses", AnalyseNow).RequireProductOwner().Produces<ExperimentResult>();
        group.MapGet("/{id}/analysis", Latest).RequireViewer().Produces<ExperimentResult>();
        group.MapGet("/{id}/export", Export).RequireViewer().Produces(StatusCodes.Status200OK, contentType: "application/json");
        group.MapGet("/{id}/assignment", Assignment).RequireModelWriter();
        group.MapPost("/{id}/observations", Observations).RequireModelWriter().DocumentsBody<ObservationItem[]>("application/json", "application/x-ndjson")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<ExperimentSummary>>> List(ExperimentService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ListAsync(cancellationToken));

    private static async Task<Ok<ExperimentPlan>> Plan(ExperimentDraft draft, ExperimentService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(ExperimentPlanner.Plan(draft, (await service.TrafficRateAsync(draft.Model, cancellationToken))?.PerDay));

    private static async Task<Ok<ExperimentDto>> Get(string id, ExperimentService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ToDtoAsync(await FindAsync(id, service, cancellationToken), service, cancellationToken));

    private static async Task<Created<ExperimentDto>> Create(ExperimentDraft draft, ExperimentService service, CancellationToken cancellationToken)
    {
        var created = await service.CreateAsync(draft, cancellationToken);
        var dto = await ToDtoAsync(await FindAsync(created.Id, service, cancellationToken), service, cancellationToken);
        return TypedResults.Created($"/api/v1/experiments/{created.Id}", dto);
    }

    private static async Task<Ok<ExperimentDto>> Update(string id, ExperimentDraft draft, ExperimentService service, CancellationToken cancellationToken)
    {
        await service.UpdateAsync(id, draft, cancellationToken);
        return TypedResults.Ok(await ToDtoAsync(await FindAsync(id, service, cancellationToken), service, cancellationToken));
    }

    private static async Task<NoContent> Delete(string id, ExperimentService service, CancellationToken cancellationToken)
    {
        await service.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ExperimentDto>> Transition(string id, ExperimentService service, Func<Task<Experiment>> transition, CancellationToken cancellationToken)
    {
        await transition();
        return TypedResults.Ok(await ToDtoAsync(await FindAsync(id, service, cancellationToken), service, cancellationToken));
    }

    private static async Task<ContentHttpResult> AnalyseNow(string id, ExperimentService service, CancellationToken cancellationToken)
    {
        var (analysis, _, _) = await service.AnalyseNowAsync(id, cancellationToken);
        return Json(analysis.ResultJson);
    }

    private static async Task<ContentHttpResult> Latest(string id, PortalDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Experiments.AnyAsync(e => e.Id == id, cancellationToken))
        {
            throw new ExperimentNotFoundException(id);
        }

        var json = await db.ExperimentAnalyses.AsNoTracking().Where(a => a.ExperimentId == id).OrderByDescending(a => a.Id)
            .Select(a => a.ResultJson).FirstOrDefaultAsync(cancellationToken);
        return json is null
            ? throw new ProblemException(StatusCodes.Status404NotFound, "No analysis yet", $"Experiment '{id}' has not been analysed yet: it is analysed every 5 minutes while running, or on POST /api/v1/experiments/{id}/analyses.")
            : Json(json);
    }

    /// <summary>Definition, lifecycle, the latest analysis and the history of the primary metric, as one JSON document.</summary>
    private static async Task<ContentHttpResult> Export(string id, ExperimentService service, PortalDbContext db, HttpContext context)
    {
        var experiment = await FindAsync(id, service, context.RequestAborted);
        var analyses = await db.ExperimentAnalyses.AsNoTracking().Where(a => a.ExperimentId == id).OrderBy(a => a.Id)
            .Select(a => new { a.Id, a.At, a.Verdict, a.InformationFraction, a.Look, a.SrmMismatch, a.SrmPValue, a.PrimaryJson }).ToListAsync(context.RequestAborted);
        var latest = await db.ExperimentAnalyses.AsNoTracking().Where(a => a.ExperimentId == id).OrderByDescending(a => a.Id)
            .Select(a => a.ResultJson).FirstOrDefaultAsync(context.RequestAborted);
        var document = new
        {
            experiment = await ToDtoAsync(experiment, service, context.RequestAborted),
            latestAnalysis = latest is null ? null : ExperimentJson.Deserialize<ExperimentResult>(latest),
            history = analyses.Select(a => new
            {
                a.At, a.Verdict, a.InformationFraction, a.Look, a.SrmMismatch, a.SrmPValue,
                primary = ExperimentJson.Deserialize<IReadOnlyList<PrimaryPoint>>(a.PrimaryJson),
            }),
        };
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"experiment-{id}.json\"";
        return TypedResults.Text(JsonSerializer.Serialize(document, ExperimentJson.Indented), "application/json");
    }

    private static async Task<Ok<AssignmentResponse>> Assignment(string id, string? unit, HttpContext context, PortalDbContext db)
    {
        var experiment = await FindWritableAsync(db.Experiments.AsNoTracking().Include(e => e.Arms).Include(e => e.Model), id, context);
        if (string.IsNullOrEmpty(unit) || unit.Length > ExperimentObservation.UnitIdMaxLength)
        {
            throw new AnalysisInputException("unit", $"is required (?unit=…), at most {ExperimentObservation.UnitIdMaxLength} characters.");
        }

        if (experiment.State == ExperimentState.Draft)
        {
            throw new ExperimentConflictException("state", $"Experiment '{id}' is a draft: assignment starts when it is started.");
        }

        var live = experiment.Arms.Where(a => !a.IsShadow).OrderBy(a => a.Position).ToList();
        if (experiment.State != ExperimentState.Running)
        {
            // Stopped or concluded: everyone gets control, so clients that still ask fall back safely.
            var control = live.Single(a => a.IsControl);
            return TypedResults.Ok(new AssignmentResponse(control.Name, control.ModelVersion, false));
        }

        var arm = live[ExperimentAssignment.Assign(id, unit, live.Select(a => a.Share).ToList())];
        return TypedResults.Ok(new AssignmentResponse(arm.Name, arm.ModelVersion, true));
    }

    private static async Task<Ok<ObservationsResponse>> Observations(string id, HttpContext context, PortalDbContext db, ObservationWriter writer, Microsoft.Extensions.Options.IOptions<IngestionOptions> options, TimeProvider time)
    {
        var experiment = await FindWritableAsync(db.Experiments.AsNoTracking().Include(e => e.Arms).Include(e => e.Metrics).Include(e => e.Model), id, context);
        if (experiment.State != ExperimentState.Running)
        {
            throw new ExperimentConflictException("state", $"Experiment '{id}' is {experiment.State.ToString().ToLowerInvariant()}: observations are accepted while it is running. Nothing was stored.");
        }

        using var body = await IngestionBody.ReadAsync(context.Request, options.Value.MaxItemsPerRequest, context.RequestAborted);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var (records, rejected) = body.Validate((item, problems) => ObservationWriter.Validate(item, experiment, now, problems));

        var accepted = records.Count > 0 ? await writer.UpsertAsync(id, records, context.RequestAborted) : 0;
        return TypedResults.Ok(new ObservationsResponse(accepted, rejected));
    }

    private static async Task<Experiment> FindAsync(string id, ExperimentService service, CancellationToken cancellationToken) =>
        await service.FindAsync(id, cancellationToken) ?? throw new ExperimentNotFoundException(id);

    /// <summary>The experiment, if the caller may write its model's traffic: 404 for an unknown id, 403 for a key of another model.</summary>
    private static async Task<Experiment> FindWritableAsync(IQueryable<Experiment> experiments, string id, HttpContext context)
    {
        var experiment = await experiments.AsSplitQuery().FirstOrDefaultAsync(e => e.Id == id, context.RequestAborted)
            ?? throw new ExperimentNotFoundException(id);
        var model = experiment.Model!.Name;
        return ModelAccess.CanWrite(context.User, model)
            ? experiment
            : throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden", $"Experiment '{id}' belongs to model '{model}': use an API key scoped to '{model}' or an admin key.");
    }

    private static async Task<ExperimentDto> ToDtoAsync(Experiment e, ExperimentService service, CancellationToken cancellationToken)
    {
        var draft = ExperimentDraft.From(e, e.Model?.Name ?? "");
        var lifecycle = await service.LifecycleAsync(e.Id, cancellationToken);
        return new ExperimentDto(
            e.Id, e.Name, e.Hypothesis, draft.Model, e.UnitType, State(e.State), draft.Arms, draft.Metrics,
            e.Alpha, e.Power, e.MinimumDetectableEffect, e.BaselineValue, e.BaselineStdDev, e.Looks, e.RequiredPerVariant,
            e.CreatedBy, e.CreatedAt, e.StartedAt, e.StoppedAt, e.ConcludedAt, e.Conclusion,
            lifecycle.Select(l => new LifecycleDto(l.From is { } f ? State(f) : null, State(l.To), l.By, l.At, l.Note)).ToList());
    }

    private static string State(ExperimentState state) => state.ToString().ToLowerInvariant();

    private static ContentHttpResult Json(string json) => TypedResults.Text(json, "application/json");
}
