using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Data;
using Portal.Data.Entities.Alerting;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Realtime;

namespace Portal.Web.Features.Alerts;

public sealed record AlertRow(
    long Id, string Rule, string Model, string Severity, string State, DateTime? Since, double? Value, string? Reason, bool Acknowledged, string? AcknowledgedBy, string? Suppressed);

public sealed record NotificationRow(long Id, string Channel, string Status, string Outcome, DateTime CreatedAt, string Reason, IReadOnlyList<AttemptRow> Attempts);

public sealed record AlertDetail(
    AlertRow Alert,
    AlertRuleEntity Rule,
    IReadOnlyDictionary<string, string> Labels,
    string Fingerprint,
    IReadOnlyList<AlertStateChange> History,
    IReadOnlyList<AlertAcknowledgementRecord> Acknowledgements,
    RcaView? RootCause,
    Runbook? Runbook,
    IReadOnlyList<NotificationRow> Notifications);

/// <summary>Alerts as people see them (list and detail), and acknowledging one.</summary>
public sealed class AlertService(IDbContextFactory<PortalDbContext> contexts, CurrentUser currentUser, TimeProvider time, IModelChangeNotifier notifier, IAuditLog audit)
{
    public const string AcknowledgementEntityType = "AlertAcknowledgement";

    /// <summary>Firing and pending alerts first, then the recently resolved ones (last 7 days); optionally of one model.</summary>
    public async Task<IReadOnlyList<AlertRow>> ListAsync(bool includeResolved = true, CancellationToken cancellationToken = default, string? model = null)
    {
        var since = time.GetUtcNow().UtcDateTime.AddDays(-7);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await (from a in db.Alerts.AsNoTracking()
                          join r in db.AlertRules.AsNoTracking() on a.RuleId equals r.Id
                          join m in db.Models.AsNoTracking() on a.ModelId equals m.Id
                          where (a.State == "Firing" || a.State == "Pending" || (includeResolved && a.State == "Resolved" && a.ResolvedAt >= since))
                              && (model == null || m.Name == model)
                          select new { a, Rule = r.Name, Model = m.Name }).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.a.Id).ToList();
        var acks = await LatestAcksAsync(db, ids, cancellationToken);
        return rows.Select(r => ToRow(r.a, r.Rule, r.Model, acks.GetValueOrDefault(r.a.Id)))
            .OrderBy(r => r.State switch { "Firing" => 0, "Pending" => 1, _ => 2 })
            .ThenByDescending(r => r.Severity switch { "Critical" => 2, "Warning" => 1, _ => 0 })
            .ThenByDescending(r => r.Since).ToList();
    }

    public async Task<AlertDetail?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (alert is null)
        {
            return null;
        }

        var rule = await db.AlertRules.AsNoTracking().FirstAsync(r => r.Id == alert.RuleId, cancellationToken);
        var model = await db.Models.AsNoTracking().Where(m => m.Id == alert.ModelId).Select(m => m.Name).FirstAsync(cancellationToken);
        var history = await db.AlertStateChanges.AsNoTracking().Where(h => h.AlertId == id).OrderByDescending(h => h.Id).Take(200).ToListAsync(cancellationToken);
        var acks = await db.AlertAcknowledgements.AsNoTracking().Where(a => a.AlertId == id).OrderByDescending(a => a.At).ToListAsync(cancellationToken);
        var finding = await db.RcaFindings.AsNoTracking().Where(f => f.AlertId == id).OrderByDescending(f => f.At).FirstOrDefaultAsync(cancellationToken);
        var runbook = rule.RunbookId is { } rb ? await db.Runbooks.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rb, cancellationToken) : null;
        var idText = id.ToString();
        var notifications = await (from n in db.AlertNotifications.AsNoTracking()
                                   join c in db.NotificationChannels.AsNoTracking() on n.ChannelId equals c.Id
                                   where n.FiringAlertIdsJson.Contains(idText) || n.ResolvedAlertIdsJson.Contains(idText)
                                   orderby n.Id descending
                                   select new { n, c.Name }).Take(100).ToListAsync(cancellationToken);
        var mine = notifications.Where(x => Contains(x.n.FiringAlertIdsJson, id) || Contains(x.n.ResolvedAlertIdsJson, id)).ToList();
        var nids = mine.Select(x => x.n.Id).ToList();
        var attempts = await db.NotificationAttempts.AsNoTracking().Where(a => nids.Contains(a.NotificationId)).OrderBy(a => a.Attempt).ToListAsync(cancellationToken);
        return new AlertDetail(
            ToRow(alert, rule.Name, model, acks.FirstOrDefault()),
            rule,
            JsonSerializer.Deserialize<Dictionary<string, string>>(alert.LabelsJson)!,
            alert.Fingerprint,
            history,
            acks,
            finding is null ? null : RootCauseService.View(finding),
            runbook,
            mine.Select(x => new NotificationRow(x.n.Id, x.Name, x.n.Status, x.n.Outcome, x.n.CreatedAt, x.n.Reason,
                attempts.Where(a => a.NotificationId == x.n.Id).Select(a => new AttemptRow(a.NotificationId, a.Attempt, a.At, a.DurationMs, a.Success, a.Status, a.Error, x.Name, x.n.GroupKey)).ToList())).ToList());
    }

    /// <summary>Acknowledges a firing alert: its group is not repeated while every firing alert in it is acknowledged.</summary>
    public async Task<AlertAcknowledgementRecord> AcknowledgeAsync(long id, string? comment, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken)
                    ?? throw new Portal.Analysis.Common.AnalysisInputException("id", $"There is no alert {id}.");
        var by = await currentUser.NameAsync();
        var ack = AlertAcknowledgement.Acknowledge(AlertEvaluator.ToInstance(alert), by, time.GetUtcNow(), string.IsNullOrWhiteSpace(comment) ? null : comment.Trim());
        var record = new AlertAcknowledgementRecord { AlertId = id, By = ack.By, At = ack.At.UtcDateTime, Comment = ack.Comment };
        db.AlertAcknowledgements.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, AuditActions.Create, AcknowledgementEntityType, id.ToString(), null, new { record.By, record.At, record.Comment }, cancellationToken);
        var model = await db.Models.Where(m => m.Id == alert.ModelId).Select(m => m.Name).FirstAsync(cancellationToken);
        notifier.Publish(model, "alerts");
        return record;
    }

    /// <summary>
    /// Takes back the acknowledgements of the alert's current firing episode, so its group is repeated again;
    /// false when there is no such alert, null-safe when it was not acknowledged.
    /// </summary>
    public async Task<bool> UnacknowledgeAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (alert is null)
        {
            return false;
        }

        var since = alert.FiredAt ?? DateTime.MinValue;
        var acks = await db.AlertAcknowledgements.Where(a => a.AlertId == id && a.At >= since).ToListAsync(cancellationToken);
        if (acks.Count == 0)
        {
            return true;
        }

        db.AlertAcknowledgements.RemoveRange(acks);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, AuditActions.Delete, AcknowledgementEntityType, id.ToString(), acks.Select(a => new { a.By, a.At, a.Comment }).ToList(), null, cancellationToken);
        var model = await db.Models.Where(m => m.Id == alert.ModelId).Select(m => m.Name).FirstAsync(cancellationToken);
        notifier.Publish(model, "alerts");
        return true;
    }

    private async Task<Dictionary<long, AlertAcknowledgementRecord>> LatestAcksAsync(PortalDbContext db, List<long> ids, CancellationToken cancellationToken) =>
        (await db.AlertAcknowledgements.AsNoTracking().Where(a => ids.Contains(a.AlertId)).ToListAsync(cancellationToken))
        .GroupBy(a => a.AlertId).ToDictionary(g => g.Key, g => g.OrderByDescending(a => a.At).First());

    private static AlertRow ToRow(AlertRecord a, string rule, string model, AlertAcknowledgementRecord? ack)
    {
        var instance = AlertEvaluator.ToInstance(a);
        var status = AlertAcknowledgement.Status(instance, ack is null ? null : new Acknowledgement(ack.By, new DateTimeOffset(ack.At)));
        var since = a.State switch { "Firing" => a.FiredAt, "Pending" => a.ActiveAt, "Resolved" => a.ResolvedAt, _ => a.LastEvaluatedAt };
        var acknowledged = status == AcknowledgementStatus.Acknowledged;
        return new AlertRow(a.Id, rule, model, a.Severity, a.State, since, a.LastValue, a.Reason, acknowledged, acknowledged ? ack!.By : null, a.SuppressedReason);
    }

    private static bool Contains(string json, long id) => JsonSerializer.Deserialize<List<long>>(json)!.Contains(id);
}
