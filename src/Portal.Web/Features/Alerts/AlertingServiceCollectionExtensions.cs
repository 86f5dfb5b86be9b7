using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Portal.Web.Features.Runbooks;
using Portal.Web.Infrastructure.Jobs;

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
}
