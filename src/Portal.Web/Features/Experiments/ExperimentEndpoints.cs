using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities.Experiments;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure.Auth;

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
        var group = endpoints.MapGroup("/api/v1/experiments").WithTags("Experiments");
        group.MapGet("/", List).RequireViewer();
        group.MapPost("/plan", Plan).RequireViewer();
        group.MapGet("/{id}", Get).RequireViewer();
        group.MapPost("/", Create).RequireProductOwner();
        group.MapPut("/{id}", Update).RequireProductOwner();
        group.MapDelete("/{id}", Delete).RequireProductOwner();
        group.MapPost("/{id}/start", (string id, ExperimentService s, HttpContext c) => Transition(id, c, () => s.StartAsync(id, c.RequestAborted))).RequireProductOwner();
        group.MapPost("/{id}/stop", (string id, TransitionRequest? body, ExperimentService s, HttpContext c) => Transition(id, c, () => s.StopAsync(id, body?.Note, c.RequestAborted))).RequireProductOwner();
        group.MapPost("/{id}/conclude", (string id, TransitionRequest? body, ExperimentService s, HttpContext c) => Transition(id, c, () => s.ConcludeAsync(id, body?.Note, c.RequestAborted))).RequireProductOwner();
        group.MapPost("/{id}/analyses", AnalyseNow).RequireProductOwner();
        group.MapGet("/{id}/analysis", Latest).RequireViewer();
        group.MapGet("/{id}/export", Export).RequireViewer();
        group.MapGet("/{id}/assignment", Assignment).RequireModelWriter();
        group.MapPost("/{id}/observations", Observations).RequireModelWriter();
        return endpoints;
    }

    private static async Task<IResult> List(ExperimentService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ListAsync(cancellationToken));

    private static async Task<IResult> Plan(ExperimentDraft draft, ExperimentService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(ExperimentPlanner.Plan(draft, await service.RequestsPerDayAsync(draft.Model, cancellationToken)));

    private static async Task<IResult> Get(string id, ExperimentService service, CancellationToken cancellationToken)
    {
        var experiment = await service.FindAsync(id, cancellationToken);
        return experiment is null ? NotFound(id) : TypedResults.Ok(await ToDtoAsync(experiment, service, cancellationToken));
    }

    private static Task<IResult> Create(ExperimentDraft draft, ExperimentService service, HttpContext context) => Handle(draft.Id, async () =>
    {
        var created = await service.CreateAsync(draft, context.RequestAborted);
        var dto = await ToDtoAsync((await service.FindAsync(created.Id, context.RequestAborted))!, service, context.RequestAborted);
        return TypedResults.Created($"/api/v1/experiments/{created.Id}", dto);
    });

    private static Task<IResult> Update(string id, ExperimentDraft draft, ExperimentService service, HttpContext context) => Handle(id, async () =>
    {
        await service.UpdateAsync(id, draft, context.RequestAborted);
        return TypedResults.Ok(await ToDtoAsync((await service.FindAsync(id, context.RequestAborted))!, service, context.RequestAborted));
    });

    private static Task<IResult> Delete(string id, ExperimentService service, HttpContext context) => Handle(id, async () =>
    {
        await service.DeleteAsync(id, context.RequestAborted);
        return TypedResults.NoContent();
    });

    private static Task<IResult> Transition(string id, HttpContext context, Func<Task<Experiment>> transition) => Handle(id, async () =>
    {
        await transition();
        var service = context.RequestServices.GetRequiredService<ExperimentService>();
        return TypedResults.Ok(await ToDtoAsync((await service.FindAsync(id, context.RequestAborted))!, service, context.RequestAborted));
    });

    private static Task<IResult> AnalyseNow(string id, ExperimentService service, HttpContext context) => Handle(id, async () =>
    {
        var (analysis, _, _) = await service.AnalyseNowAsync(id, context.RequestAborted);
        return Json(analysis.ResultJson);
    });

    private static async Task<IResult> Latest(string id, PortalDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Experiments.AnyAsync(e => e.Id == id, cancellationToken))
        {
            return NotFound(id);
        }

        var json = await db.ExperimentAnalyses.AsNoTracking().Where(a => a.ExperimentId == id).OrderByDescending(a => a.Id)
            .Select(a => a.ResultJson).FirstOrDefaultAsync(cancellationToken);
        return json is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No analysis yet", detail: $"Experiment '{id}' has not been analysed yet: it is analysed every 5 minutes while running, or on POST /api/v1/experiments/{id}/analyses.")
            : Json(json);
    }

    /// <summary>Definition, lifecycle, the latest analysis and the history of the primary metric, as one JSON document.</summary>
    private static async Task<IResult> Export(string id, ExperimentService service, PortalDbContext db, HttpContext context)
    {
        var experiment = await service.FindAsync(id, context.RequestAborted);
        if (experiment is null)
        {
            return NotFound(id);
        }

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

    private static async Task<IResult> Assignment(string id, string? unit, HttpContext context, PortalDbContext db)
    {
        var experiment = await db.Experiments.AsNoTracking().Include(e => e.Arms).Include(e => e.Model).AsSplitQuery()
            .FirstOrDefaultAsync(e => e.Id == id, context.RequestAborted);
        if (experiment is null)
        {
            return NotFound(id);
        }

        if (!ModelAccess.CanWrite(context.User, experiment.Model!.Name))
        {
            return Forbidden(id, experiment.Model.Name);
        }

        if (string.IsNullOrEmpty(unit) || unit.Length > ExperimentObservation.UnitIdMaxLength)
        {
            throw new AnalysisInputException("unit", $"is required (?unit=…), at most {ExperimentObservation.UnitIdMaxLength} characters.");
        }

        if (experiment.State == ExperimentState.Draft)
        {
            return Conflict("state", $"Experiment '{id}' is a draft: assignment starts when it is started.");
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

    private static async Task<IResult> Observations(string id, HttpContext context, PortalDbContext db, ObservationWriter writer, Microsoft.Extensions.Options.IOptions<IngestionOptions> options, TimeProvider time)
    {
        var experiment = await db.Experiments.AsNoTracking().Include(e => e.Arms).Include(e => e.Metrics).Include(e => e.Model).AsSplitQuery()
            .FirstOrDefaultAsync(e => e.Id == id, context.RequestAborted);
        if (experiment is null)
        {
            return NotFound(id);
        }

        if (!ModelAccess.CanWrite(context.User, experiment.Model!.Name))
        {
            return Forbidden(id, experiment.Model.Name);
        }

        if (experiment.State != ExperimentState.Running)
        {
            return Conflict("state", $"Experiment '{id}' is {experiment.State.ToString().ToLowerInvariant()}: observations are accepted while it is running. Nothing was stored.");
        }

        IngestionBody body;
        try
        {
            body = await IngestionBody.ReadAsync(context.Request, options.Value.MaxItemsPerRequest, context.RequestAborted);
        }
        catch (TooManyItemsException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many items", detail: e.Message + " Nothing was stored.");
        }

        using var _ = body;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var (records, rejected) = body.Validate((item, errors) => ObservationWriter.Validate(item, experiment, now, errors));

        var accepted = records.Count > 0 ? await writer.UpsertAsync(id, records, context.RequestAborted) : 0;
        return TypedResults.Ok(new ObservationsResponse(accepted, rejected));
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

    /// <summary>Maps the service's refusals to problem+json: 400 by field, 404, 409 naming the field.</summary>
    private static async Task<IResult> Handle(string id, Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (ExperimentValidationException e)
        {
            return TypedResults.ValidationProblem(e.Errors.ToDictionary(x => x.Key, x => x.Value), detail: e.Message, title: "Invalid experiment");
        }
        catch (ExperimentNotFoundException)
        {
            return NotFound(id);
        }
        catch (ExperimentConflictException e)
        {
            return Conflict(e.Field, e.Message);
        }
    }

    private static IResult Json(string json) => TypedResults.Text(json, "application/json");

    private static IResult NotFound(string id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown experiment", detail: $"There is no experiment '{id}'.");

    private static IResult Forbidden(string id, string model) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
        detail: $"Experiment '{id}' belongs to model '{model}': use an API key scoped to '{model}' or an admin key.");

    private static IResult Conflict(string field, string message) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Not allowed in the experiment's state",
        detail: $"{field}: {message}",
        extensions: new Dictionary<string, object?> { ["field"] = field, ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
