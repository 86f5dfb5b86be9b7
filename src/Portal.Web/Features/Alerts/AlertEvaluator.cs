using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Analysis.Alerting;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Web.Features.Slos;
using Portal.Web.Realtime;
using AnalysisInstance = Portal.Analysis.Alerting.AlertInstance;

namespace Portal.Web.Features.Alerts;

/// <summary>What one evaluation did.</summary>
public sealed record EvaluationSummary(int Rules, int Alerts, int Transitions, int Firing, int Notifications)
{
    public override string ToString() =>
        $"{Rules} rule(s), {Alerts} alert(s) evaluated, {Transitions} transition(s), {Firing} firing, {Notifications} notification(s) queued";
}

/// <summary>
/// One evaluation of every enabled rule at a given time, with Prometheus/Alertmanager semantics:
/// <list type="number">
/// <item>Each rule × model is one alert instance, found by its fingerprint (deduplication across evaluations and nodes);
/// <see cref="AlertStateMachine"/> moves it inactive → pending → firing → resolved; every transition is stored with its reason.</item>
/// <item>An alert that starts firing gets a root-cause analysis attached.</item>
/// <item>Silences and inhibition (<see cref="AlertSuppression"/>) leave alerts out of notifications; they still change state.</item>
/// <item>Per channel, alerts are grouped by the channel's group-by labels (by default model and severity) and <see cref="NotificationScheduler"/> decides when a group
/// is notified (group wait, group interval, repeat interval, acknowledgements); each notification is a job of its own.</item>
/// </list>
/// </summary>
public sealed class AlertEvaluator(
    PortalDbContext db,
    AlertMetricResolver metrics,
    SloSliHistory sloHistory,
    RootCauseService rca,
    INotificationDispatcher dispatcher,
    IModelChangeNotifier notifier,
    IOptions<AlertingOptions> options,
    ILogger<AlertEvaluator> logger)
{
    public const string AlertNameLabel = "alertname";
    public const string MetricLabel = "metric";

    /// <summary>How long a queued notification holds its group back; longer than every retry of a delivery takes.</summary>
    public static readonly TimeSpan InFlightLimit = TimeSpan.FromMinutes(10);

    // One evaluation at a time per process; across nodes Hangfire runs a recurring job once.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public async Task<EvaluationSummary> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            return await EvaluateLockedAsync(now, cancellationToken);
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<EvaluationSummary> EvaluateLockedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // SLO alerts are rules like any other, read from the SLI history recorded here, on the alerting cadence.
        await SloAlertRules.SyncAsync(db, null, now.UtcDateTime, cancellationToken);
        await sloHistory.RecordAsync(now, cancellationToken);
        var rules = await db.AlertRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(cancellationToken);
        var models = await db.Models.AsNoTracking().ToListAsync(cancellationToken);
        var modelsById = models.ToDictionary(m => m.Id);
        await metrics.PreloadAsync(rules, now, cancellationToken);
        var alerts = await db.Alerts.ToDictionaryAsync(a => a.Fingerprint, cancellationToken);
        var changedModels = new HashSet<string>();
        var evaluated = new HashSet<long>();
        int transitions = 0, count = 0;

        foreach (var rule in rules)
        {
            var analysisRule = AlertRuleService.ToAnalysisRule(rule);
            // A lookup, not a scan: a fleet has thousands of single-model rules over a thousand models.
            foreach (var model in rule.ModelId is not { } id ? models : modelsById.TryGetValue(id, out var one) ? [one] : [])
            {
                count++;
                var identity = Identity(rule, model);
                if (!alerts.TryGetValue(identity.Fingerprint, out var alert))
                {
                    alert = new AlertRecord
                    {
                        RuleId = rule.Id, ModelId = model.Id, Fingerprint = identity.Fingerprint, Severity = rule.Severity,
                        State = nameof(AlertState.Inactive), LabelsJson = JsonSerializer.Serialize(identity.Labels),
                    };
                    db.Alerts.Add(alert);
                    alerts[identity.Fingerprint] = alert;
                }

                if (alert.LastEvaluatedAt is { } last && last >= now.UtcDateTime)
                {
                    continue; // evaluated at this time already (another trigger of the job)
                }

                double? value;
                try
                {
                    value = await metrics.ValueAsync(rule, model, now, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Reading {Metric} of {Model} for rule {Rule} failed; treated as no data", rule.Metric, model.Name, rule.Name);
                    value = null;
                }

                var evaluation = AlertStateMachine.Evaluate(analysisRule, ToInstance(alert), value, now);
                Store(alert, evaluation.Instance, evaluation.Reason);
                if (evaluation.Transition is { } transition)
                {
                    transitions++;
                    changedModels.Add(model.Name);
                    alert.History.Add(new AlertStateChange
                    {
                        At = transition.At.UtcDateTime, From = transition.From.ToString(), To = transition.To.ToString(), Value = value, Reason = transition.Reason,
                    });
                    if (transition.To == AlertState.Firing)
                    {
                        await db.SaveChangesAsync(cancellationToken); // the alert needs its id before RCA attaches to it
                        await rca.AttachAsync(alert, rule, model, now, cancellationToken);
                    }
                }

                if (alert.Id != 0)
                {
                    evaluated.Add(alert.Id);
                }
            }
        }

        // Alerts whose rule was disabled or no longer covers the model: end them so nothing stays pending or firing.
        foreach (var alert in alerts.Values.Where(a => a.Id != 0 && !evaluated.Contains(a.Id) && a.State is nameof(AlertState.Pending) or nameof(AlertState.Firing)))
        {
            var to = alert.State == nameof(AlertState.Firing) ? AlertState.Resolved : AlertState.Inactive;
            alert.History.Add(new AlertStateChange { At = now.UtcDateTime, From = alert.State, To = to.ToString(), Reason = "the rule was disabled or changed" });
            alert.State = to.ToString();
            alert.Reason = "the rule was disabled or changed";
            alert.ActiveAt = null;
            alert.ClearedAt = null;
            if (to == AlertState.Resolved)
            {
                alert.ResolvedAt = now.UtcDateTime;
            }

            transitions++;
        }

        await db.SaveChangesAsync(cancellationToken);
        var notifications = await RouteAsync(rules, models, alerts.Values.ToList(), now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var id in notifications)
        {
            dispatcher.Enqueue(id);
        }

        foreach (var model in changedModels)
        {
            notifier.Publish(model, "alerts");
        }

        return new EvaluationSummary(rules.Count, count, transitions, alerts.Values.Count(a => a.State == nameof(AlertState.Firing)), notifications.Count);
    }

    /// <summary>
    /// When a new notification group counts as created: now, so it collects alerts for group_wait; but when its alerts
    /// have been firing for longer than group_wait already (a channel added to a firing rule, state lost), group_wait
    /// ago, so it is flushed at once, as Alertmanager does for alerts older than group_wait.
    /// </summary>
    public static DateTime GroupCreatedAt(DateTime? firstFiredAt, DateTimeOffset now, TimeSpan groupWait) =>
        firstFiredAt is { } fired && fired + groupWait <= now.UtcDateTime ? now.UtcDateTime - groupWait : now.UtcDateTime;

    /// <summary>A channel's own timer when it sets one, else the default.</summary>
    private static TimeSpan Timer(string? text, TimeSpan fallback) => text is not null && Durations.TryParse(text, out var span) ? span : fallback;

    public static AlertIdentity Identity(AlertRuleEntity rule, MlModel model, AlertSeverity? severity = null)
    {
        var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(rule.LabelsJson) ?? [];
        labels[AlertNameLabel] = rule.Name;
        labels[MetricLabel] = rule.Metric.ToString();
        return new AlertIdentity(rule.Name, model.Name, severity ?? Enum.Parse<AlertSeverity>(rule.Severity), labels);
    }

    public static AnalysisInstance ToInstance(AlertRecord a) => new(
        Enum.Parse<AlertState>(a.State), Offset(a.ActiveAt), Offset(a.FiredAt), Offset(a.ResolvedAt), Offset(a.ClearedAt), Offset(a.LastEvaluatedAt), a.LastValue);

    private static void Store(AlertRecord alert, AnalysisInstance instance, string reason)
    {
        alert.State = instance.State.ToString();
        alert.ActiveAt = instance.ActiveAt?.UtcDateTime;
        alert.FiredAt = instance.FiredAt?.UtcDateTime;
        alert.ResolvedAt = instance.ResolvedAt?.UtcDateTime;
        alert.ClearedAt = instance.ClearedAt?.UtcDateTime;
        alert.LastEvaluatedAt = instance.LastEvaluatedAt?.UtcDateTime;
        alert.LastValue = instance.LastValue;
        alert.Reason = reason;
    }

    private static DateTimeOffset? Offset(DateTime? t) => t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    /// <summary>Suppression, then grouping per channel by its group-by labels; returns the ids of the notifications to send.</summary>
    private async Task<List<long>> RouteAsync(
        List<AlertRuleEntity> rules, List<MlModel> models, List<AlertRecord> alerts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rulesById = rules.ToDictionary(r => r.Id);
        var modelsById = models.ToDictionary(m => m.Id);
        var silences = (await db.AlertSilences.AsNoTracking().Where(s => s.EndsAt > now.UtcDateTime).ToListAsync(cancellationToken))
            .Select(SilenceService.ToAnalysis).ToList();
        var acks = await db.AlertAcknowledgements.AsNoTracking()
            .GroupBy(a => a.AlertId).Select(g => g.OrderByDescending(a => a.At).First()).ToDictionaryAsync(a => a.AlertId, cancellationToken);

        var live = new List<(AlertRecord Record, AlertRuleEntity Rule, AlertSnapshot Snapshot)>();
        foreach (var alert in alerts)
        {
            if (!rulesById.TryGetValue(alert.RuleId, out var rule) || !modelsById.TryGetValue(alert.ModelId, out var model))
            {
                continue;
            }

            var instance = ToInstance(alert);
            var ack = acks.TryGetValue(alert.Id, out var a) ? new Acknowledgement(a.By, Offset(a.At)!.Value, a.Comment) : null;
            var acknowledged = AlertAcknowledgement.Status(instance, ack) == AcknowledgementStatus.Acknowledged;
            // An alert keeps the severity it was raised with: when a rule's (an SLO's) severity changes, the new severity is a
            // new alert, and the old one resolves in the group it was notified in.
            live.Add((alert, rule, new AlertSnapshot(Identity(rule, model, Enum.Parse<AlertSeverity>(alert.Severity)), instance.State, acknowledged)));
        }

        var snapshots = live.Select(l => l.Snapshot).ToList();
        var inhibitRules = options.Value.ParsedInhibitRules();
        var notify = new List<(AlertRecord Record, AlertRuleEntity Rule, AlertSnapshot Snapshot)>();
        foreach (var item in live)
        {
            var decision = AlertSuppression.Decide(item.Snapshot.Identity, snapshots, silences, now, inhibitRules);
            item.Record.SuppressedReason = decision.Suppressed && item.Record.State == nameof(AlertState.Firing) ? decision.Reason : null;
            if (!decision.Suppressed)
            {
                notify.Add(item);
            }
        }

        var channels = await db.NotificationChannels.AsNoTracking().Where(c => c.Enabled).ToListAsync(cancellationToken);
        var groups = await db.NotificationGroups.ToListAsync(cancellationToken);
        var created = new List<AlertNotification>();
        var o = options.Value;
        foreach (var channel in channels)
        {
            var route = ChannelSettings.FromJson(channel.SettingsJson);
            var matchers = route.Matchers.Select((m, i) => SilenceService.Parse(m, $"matchers[{i}]")).ToList();
            var routed = notify.Where(n => JsonSerializer.Deserialize<List<int>>(n.Rule.ChannelIdsJson)!.Contains(channel.Id)
                && matchers.All(m => m.Matches(n.Snapshot.Identity.Labels))).ToList();
            var groupWait = Timer(route.GroupWait, TimeSpan.FromSeconds(o.GroupWaitSeconds));
            var groupInterval = Timer(route.GroupInterval, TimeSpan.FromSeconds(Math.Max(1, o.GroupIntervalSeconds)));
            var groupBy = route.GroupByOrDefault();
            var byGroup = routed.GroupBy(n => NotificationGroupKey.Of(n.Snapshot.Identity, groupBy)).ToDictionary(g => g.Key, g => g.ToList());
            var keys = byGroup.Keys.Concat(groups.Where(g => g.ChannelId == channel.Id)
                .Select(g => NotificationGroupKey.Parse(g.GroupKey, groupBy)).OfType<NotificationGroupKey>()).Distinct().ToList();
            foreach (var key in keys)
            {
                var groupKey = key.Value;
                var members = byGroup.GetValueOrDefault(key) ?? [];
                var record = groups.FirstOrDefault(g => g.ChannelId == channel.Id && g.GroupKey == groupKey);
                var reported = members.Where(m => m.Record.State == nameof(AlertState.Firing)
                    || (m.Record.State == nameof(AlertState.Resolved) && m.Record.ResolvedAt > (record?.LastNotifiedAt ?? record?.CreatedAt ?? DateTime.MinValue))).ToList();
                if (record is null)
                {
                    if (!reported.Any(m => m.Record.State == nameof(AlertState.Firing)))
                    {
                        continue;
                    }

                    record = new NotificationGroupRecord
                    {
                        ChannelId = channel.Id, GroupKey = groupKey,
                        ModelId = groupBy.Contains(AlertIdentity.ModelLabel) ? members[0].Record.ModelId : null, // the group goes with its model
                        CreatedAt = GroupCreatedAt(reported.Where(m => m.Record.FiredAt is not null).Min(m => m.Record.FiredAt), now, groupWait),
                    };
                    db.NotificationGroups.Add(record);
                    groups.Add(record);
                }

                var repeat = Timer(route.RepeatInterval, TimeSpan.FromSeconds(members.Count > 0 ? members.Min(m => m.Rule.RepeatIntervalSeconds) : 4 * 3600));
                var timing = new NotificationTiming(groupWait, groupInterval, repeat, channel.SendResolved);
                var state = new NotificationGroupState(key, Offset(record.CreatedAt)!.Value, Offset(record.LastFlushAt), Offset(record.LastNotifiedAt),
                    JsonSerializer.Deserialize<List<string>>(record.NotifiedFiringJson)!, JsonSerializer.Deserialize<List<string>>(record.NotifiedResolvedJson)!);
                var decision = NotificationScheduler.Decide(state, reported.Select(r => r.Snapshot).ToList(), timing, now);
                record.LastFlushAt = decision.State.LastFlushAt?.UtcDateTime;
                if (!decision.Notify)
                {
                    // Only forgetting: what was reported stays reported until a delivery says otherwise.
                    record.NotifiedFiringJson = JsonSerializer.Serialize(decision.State.NotifiedFiring);
                    continue;
                }

                // As Alertmanager's notification log: what a notification reports is recorded by the sender once it is
                // delivered (NotificationSender.RecordDeliveredAsync), so a failed one is sent again at the next group
                // interval. One delivery at a time per group: a flush while the last one is still being sent waits.
                if (await db.AlertNotifications.AnyAsync(n => n.ChannelId == channel.Id && n.GroupKey == groupKey && n.Outcome == "Queued" && n.CreatedAt > now.UtcDateTime - InFlightLimit, cancellationToken))
                {
                    continue;
                }

                var byFingerprint = reported.ToDictionary(r => r.Snapshot.Identity.Fingerprint, r => r.Record.Id);
                var notification = new AlertNotification
                {
                    ChannelId = channel.Id,
                    GroupKey = groupKey,
                    Status = decision.Firing.Count > 0 ? "firing" : "resolved",
                    FiringAlertIdsJson = JsonSerializer.Serialize(decision.Firing.Select(f => byFingerprint[f.Identity.Fingerprint])),
                    ResolvedAlertIdsJson = JsonSerializer.Serialize(decision.Resolved.Select(f => byFingerprint[f.Identity.Fingerprint])),
                    Reason = decision.Reason,
                    CreatedAt = now.UtcDateTime,
                };
                db.AlertNotifications.Add(notification);
                created.Add(notification);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return created.Select(n => n.Id).ToList();
    }
}
