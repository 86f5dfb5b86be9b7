using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Portal.Data;
using Portal.Data.Entities.Alerting;

namespace Portal.Web.Features.Alerts;

/// <summary>One delivery attempt as it happened.</summary>
public sealed record AttemptRecord(DateTime At, double DurationMs, bool Success, string? Status, string? Error);

/// <summary>
/// Collects the attempts of the delivery running on this async flow. The HTTP handler below sits inside the
/// resilience handler, so it sees every retry; the SMTP retry records its attempts itself.
/// </summary>
public sealed class AttemptLog
{
    private static readonly AsyncLocal<AttemptLog?> CurrentLog = new();

    public List<AttemptRecord> Attempts { get; } = [];

    public static AttemptLog? Current => CurrentLog.Value;

    public static AttemptLog Start() => CurrentLog.Value = new AttemptLog();

    public void Add(AttemptRecord attempt)
    {
        lock (Attempts)
        {
            Attempts.Add(attempt);
        }
    }
}

/// <summary>Records every HTTP attempt (status, duration, error) into <see cref="AttemptLog.Current"/>.</summary>
public sealed class AttemptRecordingHandler(TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow().UtcDateTime;
        var watch = Stopwatch.StartNew();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            string? error = null;
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                error = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {(body.Length > 300 ? body[..300] : body)}";
            }

            AttemptLog.Current?.Add(new AttemptRecord(at, watch.Elapsed.TotalMilliseconds, response.IsSuccessStatusCode, ((int)response.StatusCode).ToString(), error));
            return response;
        }
        catch (Exception e)
        {
            AttemptLog.Current?.Add(new AttemptRecord(at, watch.Elapsed.TotalMilliseconds, false, null, $"{e.GetType().Name}: {e.Message}"));
            throw;
        }
    }
}

/// <summary>A notification that could not be delivered after every retry.</summary>
public sealed class NotificationFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Delivers one notification to its channel: builds the content from the stored alerts (runbook and alert links,
/// root cause), sends it in the channel's format with retries and backoff, and stores every attempt.
/// </summary>
public sealed class NotificationSender(
    IDbContextFactory<PortalDbContext> contexts,
    IHttpClientFactory httpClients,
    IDataProtectionProvider protection,
    IOptions<AlertingOptions> options,
    TimeProvider time,
    ILogger<NotificationSender> logger)
{
    public const string HttpClientName = "alert-notifications";
    public const string ProtectorPurpose = "Portal.Alerting.ChannelSecret";

    public async Task<AlertNotification> SendAsync(long notificationId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var notification = await db.AlertNotifications.FirstAsync(n => n.Id == notificationId, cancellationToken);
        var channel = await db.NotificationChannels.AsNoTracking().FirstAsync(c => c.Id == notification.ChannelId, cancellationToken);
        var content = await ContentAsync(db, notification, channel, cancellationToken);
        var log = AttemptLog.Start();
        Exception? failure = null;
        try
        {
            await DeliverAsync(channel, content, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failure = e;
            logger.LogWarning(e, "Notification {Id} to channel {Channel} failed after {Attempts} attempt(s)", notification.Id, channel.Name, log.Attempts.Count);
        }

        var number = await db.NotificationAttempts.CountAsync(a => a.NotificationId == notification.Id, cancellationToken);
        foreach (var attempt in log.Attempts)
        {
            db.NotificationAttempts.Add(new NotificationAttempt
            {
                NotificationId = notification.Id, ChannelId = channel.Id, Attempt = ++number, At = attempt.At, DurationMs = attempt.DurationMs,
                Success = attempt.Success, Status = attempt.Status, Error = attempt.Error is { Length: > 1000 } text ? text[..1000] : attempt.Error,
            });
        }

        if (log.Attempts.Count == 0 && failure is not null)
        {
            db.NotificationAttempts.Add(new NotificationAttempt
            {
                NotificationId = notification.Id, ChannelId = channel.Id, Attempt = ++number, At = time.GetUtcNow().UtcDateTime,
                Success = false, Error = $"{failure.GetType().Name}: {failure.Message}",
            });
        }

        notification.Outcome = failure is null ? "Sent" : "Failed";
        notification.FinishedAt = time.GetUtcNow().UtcDateTime;
        if (failure is null)
        {
            await RecordDeliveredAsync(db, notification, CancellationToken.None);
        }

        await db.SaveChangesAsync(CancellationToken.None);
        if (failure is not null)
        {
            throw new NotificationFailedException($"Delivery to {channel.Name} failed: {failure.Message}", failure);
        }

        return notification;
    }

    /// <summary>
    /// The notification log: once a group's notification is delivered, the group remembers it was notified (when, and
    /// which alerts it reported as firing and resolved), so the scheduler repeats it only after the repeat interval.
    /// Written here and not when the evaluator decided to notify, so a failed delivery is tried again at the next
    /// group interval. An older notification delivered after a newer one does not overwrite the newer one's record.
    /// </summary>
    private static async Task RecordDeliveredAsync(PortalDbContext db, AlertNotification notification, CancellationToken cancellationToken)
    {
        // A test message ("test") has no group: nothing to record.
        var group = await db.NotificationGroups.FirstOrDefaultAsync(g => g.ChannelId == notification.ChannelId && g.GroupKey == notification.GroupKey, cancellationToken);
        if (group is null || group.LastNotifiedAt >= notification.CreatedAt)
        {
            return;
        }

        var firing = JsonSerializer.Deserialize<List<long>>(notification.FiringAlertIdsJson)!;
        var resolved = JsonSerializer.Deserialize<List<long>>(notification.ResolvedAlertIdsJson)!;
        var ids = firing.Concat(resolved).ToList();
        var fingerprints = await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Fingerprint, cancellationToken);
        group.LastNotifiedAt = notification.CreatedAt;
        group.NotifiedFiringJson = JsonSerializer.Serialize(firing.Where(fingerprints.ContainsKey).Select(id => fingerprints[id]));
        group.NotifiedResolvedJson = JsonSerializer.Serialize(resolved.Where(fingerprints.ContainsKey).Select(id => fingerprints[id]));
    }

    private async Task DeliverAsync(NotificationChannel channel, NotificationContent content, CancellationToken cancellationToken)
    {
        var settings = ChannelSettings.FromJson(channel.SettingsJson);
        var secret = Unprotect(channel.ProtectedSecret);
        switch (channel.Type)
        {
            case ChannelType.Webhook:
                await PostAsync(Required(settings.Url, "url"), NotificationPayloads.AlertmanagerWebhook(content), secret, cancellationToken);
                break;
            case ChannelType.Slack:
            case ChannelType.Teams:
                var message = channel.Type == ChannelType.Slack ? NotificationPayloads.Slack(content) : NotificationPayloads.Teams(content);
                await PostAsync(Required(secret, "webhook URL"), message, null, cancellationToken);
                break;
            case ChannelType.PagerDuty:
                var url = string.IsNullOrWhiteSpace(settings.Url) ? ChannelSettings.PagerDutyEventsUrl : settings.Url;
                var key = Required(secret, "routing key");
                if (content.Alerts.Count == 0)
                {
                    await PostAsync(url, NotificationPayloads.PagerDutyTest(key, channel.Name), null, cancellationToken);
                }

                foreach (var alert in content.Alerts)
                {
                    await PostAsync(url, NotificationPayloads.PagerDuty(alert, key), null, cancellationToken);
                }

                break;
            case ChannelType.Log:
                logger.LogInformation("Notification to log channel {Channel}: {Title}", channel.Name, content.Title);
                AttemptLog.Current?.Add(new AttemptRecord(time.GetUtcNow().UtcDateTime, 0, true, "logged", null));
                break;
            default:
                await MailAsync(settings, secret, content, cancellationToken);
                break;
        }
    }

    private static string Required(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidOperationException($"The channel has no {what}.") : value;

    private async Task PostAsync(string url, JsonObject body, string? bearer, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrEmpty(bearer))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
    }

    /// <summary>SMTP through MailKit, retried with exponential backoff by a Polly pipeline; each attempt is recorded.</summary>
    private async Task MailAsync(ChannelSettings settings, string? password, NotificationContent content, CancellationToken cancellationToken)
    {
        var host = Required(settings.SmtpHost, "SMTP host");
        var recipients = Required(settings.To, "recipient").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var message = NotificationPayloads.Email(content, Required(settings.From, "sender address"), recipients);
        var o = options.Value;
        var pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, o.Retries),
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(o.RetryBaseDelayMs),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            })
            .Build();
        var log = AttemptLog.Current;
        await pipeline.ExecuteAsync(async token =>
        {
            var at = time.GetUtcNow().UtcDateTime;
            var watch = Stopwatch.StartNew();
            try
            {
                using var smtp = new SmtpClient { Timeout = o.AttemptTimeoutSeconds * 1000 };
                var security = Enum.TryParse<SecureSocketOptions>(settings.SmtpSecurity, true, out var s) ? s : SecureSocketOptions.Auto;
                await smtp.ConnectAsync(host, settings.SmtpPort, security, token);
                if (!string.IsNullOrEmpty(settings.SmtpUser))
                {
                    await smtp.AuthenticateAsync(settings.SmtpUser, password ?? "", token);
                }

                await smtp.SendAsync(message, token);
                await smtp.DisconnectAsync(true, token);
                log?.Add(new AttemptRecord(at, watch.Elapsed.TotalMilliseconds, true, "250", null));
            }
            catch (Exception e)
            {
                var status = e is SmtpCommandException command ? ((int)command.StatusCode).ToString() : null;
                log?.Add(new AttemptRecord(at, watch.Elapsed.TotalMilliseconds, false, status, $"{e.GetType().Name}: {e.Message}"));
                throw;
            }
        }, cancellationToken);
    }

    private string? Unprotect(string? secret) =>
        string.IsNullOrEmpty(secret) ? null : protection.CreateProtector(ProtectorPurpose).Unprotect(secret);

    /// <summary>The notification's alerts with their rule, runbook and root cause, as the payloads need them.</summary>
    private async Task<NotificationContent> ContentAsync(PortalDbContext db, AlertNotification notification, NotificationChannel channel, CancellationToken cancellationToken)
    {
        var baseUrl = options.Value.PublicUrl.TrimEnd('/');
        var firing = JsonSerializer.Deserialize<List<long>>(notification.FiringAlertIdsJson)!;
        var resolved = JsonSerializer.Deserialize<List<long>>(notification.ResolvedAlertIdsJson)!;
        var ids = firing.Concat(resolved).ToList();
        var alerts = await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(cancellationToken);
        var ruleIds = alerts.Select(a => a.RuleId).Distinct().ToList();
        var rules = await db.AlertRules.AsNoTracking().Where(r => ruleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        var runbookIds = rules.Values.Select(r => r.RunbookId).OfType<int>().Distinct().ToList();
        var runbooks = await db.Runbooks.AsNoTracking().Where(r => runbookIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Title, cancellationToken);
        var causes = await db.RcaFindings.AsNoTracking().Where(f => ids.Contains(f.AlertId)).GroupBy(f => f.AlertId)
            .Select(g => g.OrderByDescending(f => f.At).First()).ToDictionaryAsync(f => f.AlertId, f => f.Summary, cancellationToken);

        var items = new List<NotifiedAlert>();
        foreach (var alert in alerts.OrderBy(a => a.Id))
        {
            var rule = rules[alert.RuleId];
            var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(alert.LabelsJson)!;
            var status = firing.Contains(alert.Id) ? "firing" : "resolved";
            var runbookUrl = rule.RunbookId is { } rb ? $"{baseUrl}/runbooks/{rb}" : null;
            items.Add(new NotifiedAlert(
                alert.Id, status, rule.Name, labels.GetValueOrDefault("model") ?? "", alert.Severity.ToLowerInvariant(), alert.Fingerprint, labels,
                $"{AlertRuleService.Condition(rule)}: {alert.Reason}", rule.Description ?? AlertRuleService.Condition(rule), alert.LastValue,
                alert.FiredAt ?? alert.ActiveAt ?? notification.CreatedAt, status == "resolved" ? alert.ResolvedAt : null,
                $"{baseUrl}/alerts/{alert.Id}", rule.RunbookId is { } r ? runbooks.GetValueOrDefault(r) : null, runbookUrl, causes.GetValueOrDefault(alert.Id)));
        }

        var groupBy = ChannelSettings.FromJson(channel.SettingsJson).GroupByOrDefault();
        var groupLabels = notification.Status == "test" || Portal.Analysis.Alerting.NotificationGroupKey.Parse(notification.GroupKey, groupBy) is not { } key
            ? new Dictionary<string, string>()
            : key.Labels.ToDictionary();
        var groupStatus = notification.Status == "test" ? "firing" : notification.Status;
        return new NotificationContent(channel.Name, notification.GroupKey, groupStatus, groupLabels, items, baseUrl);
    }
}
