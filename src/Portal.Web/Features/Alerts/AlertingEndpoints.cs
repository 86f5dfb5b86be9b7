using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Alerts;

/// <summary>An acknowledgement as the API reads it.</summary>
public sealed record AcknowledgementView(long AlertId, string By, DateTime At, string? Comment);

/// <summary>Why an alert is acknowledged (optional).</summary>
public sealed record AcknowledgeRequest(string? Comment);

/// <summary>What a test send did: whether it was delivered, and every attempt.</summary>
public sealed record ChannelTestResult(bool Delivered, IReadOnlyList<AttemptRow> Attempts);

/// <summary>
/// Alerting over REST with the pages' roles: alerts, rules, silences and runbooks are read by Viewers; alerts are
/// acknowledged by Engineers; rules, channels (all of it: they hold secrets) and silences are changed by Admins (or an
/// admin key). Bad input is problem+json naming each field by JSON path; every change is audited by the services.
/// </summary>
public static class AlertingEndpoints
{
    public static IEndpointRouteBuilder MapAlertingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        MapAlerts(endpoints.MapGroup("/api/v1/alerts").RequireViewer().WithTags("Alerts"));
        MapRules(endpoints.MapGroup("/api/v1/alert-rules").RequireViewer().WithTags("Alert rules"));
        MapChannels(endpoints.MapGroup("/api/v1/channels").RequireAdmin().WithTags("Notification channels"));
        MapSilences(endpoints.MapGroup("/api/v1/silences").RequireViewer().WithTags("Silences"));
        return endpoints;
    }

    private static void MapAlerts(RouteGroupBuilder alerts)
    {
        alerts.MapGet("", async (AlertService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(true, ct)));
        alerts.MapGet("/{id:long}", async Task<Results<Ok<AlertDetail>, ProblemHttpResult>> (long id, AlertService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } detail ? TypedResults.Ok(detail) : NotFound("alert", id));
        alerts.MapPost("/{id:long}/acknowledge", async Task<Results<Ok<AcknowledgementView>, ProblemHttpResult>> (
            long id, AcknowledgeRequest? request, AlertService service, CancellationToken ct) =>
        {
            if (await service.GetAsync(id, ct) is null)
            {
                return NotFound("alert", id);
            }

            // A resolved alert cannot be acknowledged: AnalysisInputException, a 400 naming "state".
            var ack = await service.AcknowledgeAsync(id, request?.Comment, ct);
            return TypedResults.Ok(new AcknowledgementView(ack.AlertId, ack.By, ack.At, ack.Comment));
        }).RequireEngineer().ProducesValidationProblem();
        alerts.MapPost("/{id:long}/unacknowledge", async Task<Results<NoContent, ProblemHttpResult>> (long id, AlertService service, CancellationToken ct) =>
            await service.UnacknowledgeAsync(id, ct) ? TypedResults.NoContent() : NotFound("alert", id)).RequireEngineer();
    }

    private static void MapRules(RouteGroupBuilder rules)
    {
        rules.MapGet("", async (AlertRuleService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)));
        rules.MapGet("/{id:int}", async Task<Results<Ok<AlertRuleForm>, ProblemHttpResult>> (int id, AlertRuleService service, CancellationToken ct) =>
            await service.GetFormAsync(id, ct) is { } form ? TypedResults.Ok(form) : NotFound("alert rule", id));
        rules.MapPost("", async Task<Created<AlertRuleForm>> (AlertRuleForm form, AlertRuleService service, CancellationToken ct) =>
        {
            form.Id = null;
            var rule = await service.SaveAsync(form, ct);
            return TypedResults.Created($"/api/v1/alert-rules/{rule.Id}", (await service.GetFormAsync(rule.Id, ct))!);
        }).RequireAdmin().ProducesValidationProblem();
        rules.MapPut("/{id:int}", async Task<Results<Ok<AlertRuleForm>, ProblemHttpResult>> (int id, AlertRuleForm form, AlertRuleService service, CancellationToken ct) =>
        {
            if (await service.FindAsync(id, ct) is null)
            {
                return NotFound("alert rule", id);
            }

            form.Id = id;
            await service.SaveAsync(form, ct);
            return TypedResults.Ok((await service.GetFormAsync(id, ct))!);
        }).RequireAdmin().ProducesValidationProblem();
        rules.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, AlertRuleService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? TypedResults.NoContent() : NotFound("alert rule", id)).RequireAdmin();
        rules.MapPost("/{id:int}/enable", (int id, AlertRuleService service, CancellationToken ct) => SetEnabledAsync(id, true, service, ct)).RequireAdmin();
        rules.MapPost("/{id:int}/disable", (int id, AlertRuleService service, CancellationToken ct) => SetEnabledAsync(id, false, service, ct)).RequireAdmin();
        rules.MapPost("/preview", async (AlertRuleForm form, AlertRuleService service, CancellationToken ct) =>
        {
            // Every bad field at once, by name.
            (await service.ValidateAsync(form, ct)).ThrowIfAny();
            var preview = await service.PreviewAsync(form, ct);
            return TypedResults.Ok(new
            {
                preview.TimesFired,
                preview.Summary,
                Models = preview.Models.Select(m => new { m.Model, m.Result.TimesFired, m.Result.TotalFiringTime, Episodes = m.Result.Episodes }),
            });
        }).RequireAdmin().ProducesValidationProblem();
    }

    private static async Task<Results<Ok<AlertRuleForm>, ProblemHttpResult>> SetEnabledAsync(int id, bool enabled, AlertRuleService service, CancellationToken ct) =>
        await service.SetEnabledAsync(id, enabled, ct) is null ? NotFound("alert rule", id) : TypedResults.Ok((await service.GetFormAsync(id, ct))!);

    private static void MapChannels(RouteGroupBuilder channels)
    {
        channels.MapGet("", async (ChannelService service, CancellationToken ct) =>
            TypedResults.Ok((await service.ListFormsAsync(ct)).Select(ChannelView.Of).ToList()));
        channels.MapGet("/{id:int}", async Task<Results<Ok<ChannelView>, ProblemHttpResult>> (int id, ChannelService service, CancellationToken ct) =>
            await service.GetFormAsync(id, ct) is { } form ? TypedResults.Ok(ChannelView.Of(form)) : NotFound("channel", id));
        channels.MapPost("", async Task<Created<ChannelView>> (ChannelRequest request, ChannelService service, CancellationToken ct) =>
        {
            var channel = await SaveChannelAsync(request.ToForm(null), service, ct);
            return TypedResults.Created($"/api/v1/channels/{channel.Id}", channel);
        }).ProducesValidationProblem();
        channels.MapPut("/{id:int}", async Task<Results<Ok<ChannelView>, ProblemHttpResult>> (int id, ChannelRequest request, ChannelService service, CancellationToken ct) =>
        {
            if (await service.GetFormAsync(id, ct) is not { } stored)
            {
                return NotFound("channel", id);
            }

            var form = request.ToForm(id);
            form.HasSecret = stored.HasSecret && stored.Type == form.Type; // another kind's secret is no use to this one
            return TypedResults.Ok(await SaveChannelAsync(form, service, ct));
        }).ProducesValidationProblem();
        channels.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, ChannelService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? TypedResults.NoContent() : NotFound("channel", id));
        channels.MapPost("/{id:int}/test", async Task<Results<Ok<ChannelTestResult>, ProblemHttpResult>> (int id, ChannelService service, CancellationToken ct) =>
        {
            if (await service.GetFormAsync(id, ct) is null)
            {
                return NotFound("channel", id);
            }

            var attempts = await service.SendTestAsync(id, ct);
            return TypedResults.Ok(new ChannelTestResult(attempts.Any(a => a.Success), attempts));
        });
        channels.MapGet("/{id:int}/attempts", async Task<Results<Ok<IReadOnlyList<AttemptRow>>, ProblemHttpResult>> (int id, int? take, ChannelService service, CancellationToken ct) =>
        {
            if (await service.GetFormAsync(id, ct) is null)
            {
                return NotFound("channel", id);
            }

            return TypedResults.Ok(await service.RecentAttemptsAsync(id, null, Math.Clamp(take ?? 100, 1, 1000), ct));
        });
    }

    private static async Task<ChannelView> SaveChannelAsync(ChannelForm form, ChannelService service, CancellationToken ct)
    {
        ChannelRequest.ApiErrors(form.Type, await service.ValidateAsync(form, ct)).ThrowIfAny();
        var saved = await service.SaveAsync(form, ct);
        return ChannelView.Of((await service.GetFormAsync(saved.Id, ct))!);
    }

    private static void MapSilences(RouteGroupBuilder silences)
    {
        silences.MapGet("", async Task<Results<Ok<List<SilenceView>>, ProblemHttpResult>> (string? state, SilenceService service, CancellationToken ct) =>
        {
            if (state is not (null or "active" or "pending" or "expired"))
            {
                throw new InputValidationException(new Dictionary<string, string[]> { ["state"] = ["Use active, pending or expired (or leave it out for all)."] });
            }

            var rows = await service.ListAsync(ct);
            return TypedResults.Ok(rows.Where(s => state is null || s.Status == state).Select(SilenceView.From).ToList());
        }).ProducesValidationProblem();
        silences.MapGet("/{id:int}", async Task<Results<Ok<SilenceView>, ProblemHttpResult>> (int id, SilenceService service, CancellationToken ct) =>
            await service.FindAsync(id, ct) is { } silence ? TypedResults.Ok(SilenceView.From(silence)) : NotFound("silence", id));
        silences.MapPost("", async Task<Created<SilenceView>> (SilenceRequest request, SilenceService service, TimeProvider time, CancellationToken ct) =>
        {
            var errors = new ValidationProblems();
            var matchers = (request.Matchers ?? []).Select((m, i) => m.ToMatcher($"matchers[{i}]", errors)).ToList();
            if (request.EndsAt is null)
            {
                errors.Add("endsAt", "Say when the silence ends (RFC 3339, e.g. 2026-01-01T12:00:00Z).");
            }

            errors.ThrowIfAny();
            var created = await service.CreateAsync(matchers.OfType<Portal.Analysis.Alerting.LabelMatcher>().ToList(), request.StartsAt ?? time.GetUtcNow(), request.EndsAt!.Value, request.Comment, ct);
            return TypedResults.Created($"/api/v1/silences/{created.Id}", SilenceView.From((await service.FindAsync(created.Id, ct))!));
        }).RequireAdmin().ProducesValidationProblem();
        silences.MapPost("/{id:int}/expire", async Task<Results<Ok<SilenceView>, ProblemHttpResult>> (int id, SilenceService service, CancellationToken ct) =>
        {
            if (await service.FindAsync(id, ct) is null)
            {
                return NotFound("silence", id);
            }

            await service.ExpireAsync(id, ct); // an expired silence stays expired
            return TypedResults.Ok(SilenceView.From((await service.FindAsync(id, ct))!));
        }).RequireAdmin();
    }

    public static ProblemHttpResult NotFound(string what, object id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no {what} {id}.");
}
