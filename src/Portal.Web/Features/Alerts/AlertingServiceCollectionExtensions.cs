using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Portal.Web.Features.Runbooks;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Jobs;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Alerts;

public static class AlertingServiceCollectionExtensions
{
    /// <summary>Rules, evaluation (recurring job), routing, channels with retries, silences, runbooks and root-cause analysis.</summary>
    public static IServiceCollection AddAlerting(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AlertingOptions>(configuration.GetSection(AlertingOptions.Section));
        services.AddScoped<AlertMetricResolver>();
        services.AddScoped<AlertRuleService>();
        services.AddScoped<AlertEvaluator>();
        services.AddScoped<AlertService>();
        services.AddScoped<SilenceService>();
        services.AddScoped<ChannelService>();
        services.AddScoped<RootCauseService>();
        services.AddScoped<NotificationSender>();
        services.AddScoped<NotificationJob>();
        services.AddScoped<AlertEvaluationJob>();
        services.AddScoped<RunbookService>();
        services.AddScoped<INotificationDispatcher, HangfireNotificationDispatcher>();
        services.AddScoped<IRecurringJobSource, AlertEvaluationJobSource>();
        services.AddHostedService<RunbookSeeder>();
        services.AddTransient<AttemptRecordingHandler>();

        // Retries with exponential backoff for webhook, Slack and PagerDuty; the recording handler sits inside the
        // resilience handler, so every attempt is stored.
        services.AddHttpClient(NotificationSender.HttpClientName)
            .AddResilienceHandler("alert-delivery", (pipeline, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<AlertingOptions>>().Value;
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, o.Retries),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = false,
                    Delay = TimeSpan.FromMilliseconds(o.RetryBaseDelayMs),
                    ShouldRetryAfterHeader = false,
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(Math.Max(1, o.AttemptTimeoutSeconds)));
            })
            .Services.AddHttpClient(NotificationSender.HttpClientName).AddHttpMessageHandler<AttemptRecordingHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapAlertingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var alerts = endpoints.MapGroup("/api/v1/alerts").RequireViewer();
        alerts.MapGet("", async (AlertService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(true, ct)));
        alerts.MapGet("/{id:long}", async Task<Results<Ok<AlertDetail>, NotFound>> (long id, AlertService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound());

        var rules = endpoints.MapGroup("/api/v1/alert-rules").RequireAdmin();
        rules.MapGet("", async (AlertRuleService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)));
        rules.MapPost("", async (AlertRuleForm form, AlertRuleService service, CancellationToken ct) =>
        {
            form.Id = null;
            var rule = await service.SaveAsync(form, ct);
            return TypedResults.Created($"/api/v1/alert-rules/{rule.Id}", await service.GetFormAsync(rule.Id, ct));
        });
        rules.MapPost("/preview", async (AlertRuleForm form, AlertRuleService service, CancellationToken ct) =>
        {
            // Every bad field at once, by name (the form's validator gives one message per field).
            var problems = new ValidationProblems();
            foreach (var (field, message) in await service.ValidateAsync(form, ct))
            {
                problems.Add(field, message);
            }

            problems.ThrowIfAny();

            var preview = await service.PreviewAsync(form, ct);
            return TypedResults.Ok(new
            {
                preview.TimesFired,
                preview.Summary,
                Models = preview.Models.Select(m => new { m.Model, m.Result.TimesFired, m.Result.TotalFiringTime, Episodes = m.Result.Episodes }),
            });
        });
        return endpoints;
    }
}
