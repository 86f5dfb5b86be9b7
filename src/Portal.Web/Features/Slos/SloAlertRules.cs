using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Alerting;
using Portal.Analysis.Slo;
using Portal.Data;
using Portal.Data.Entities.Alerting;
using SloDefinition = Portal.Data.Entities.Jobs.SloDefinition;
using SloSliRecord = Portal.Data.Entities.Jobs.SloSliRecord;

namespace Portal.Web.Features.Slos;

/// <summary>
/// Every SLO owns two alert rules, its <em>page</em> and <em>ticket</em> burn-rate alerts, so SLO alerts go through the
/// alert pipeline like any rule (state machine, silences, inhibition, grouping, channels, acknowledgement, runbook,
/// root cause). The rules are derived from the SLO and follow it: created, changed, disabled with it, deleted with it
/// (cascade). Their value is <see cref="SloBurnAlerts.Value"/> over the recorded SLI history, compared with "&gt; 1".
/// </summary>
public static class SloAlertRules
{
    /// <summary>Label naming the SLO on both its alerts (page inhibits ticket when it matches).</summary>
    public const string SloLabel = AlertSuppression.SloLabel;

    /// <summary>Label saying which of the SLO's alerts it is: page or ticket (Sloth's <c>sloth_severity</c>).</summary>
    public const string SloAlertLabel = AlertSuppression.SloAlertLabel;

    /// <summary>The runbook the SLO alerts link to (seeded).</summary>
    public const string RunbookTitle = Runbooks.RunbookSeeds.SloBurnTitle;

    public static readonly BurnAlertSeverity[] Alerts = [BurnAlertSeverity.Page, BurnAlertSeverity.Ticket];

    /// <summary>Creates or updates the two rules of every SLO of <paramref name="sloIds"/> (all SLOs when null); saves.</summary>
    public static async Task SyncAsync(PortalDbContext db, IReadOnlyCollection<int>? sloIds, DateTime now, CancellationToken cancellationToken)
    {
        var slos = await db.SloDefinitions.Where(s => sloIds == null || sloIds.Contains(s.Id)).ToListAsync(cancellationToken);
        if (slos.Count == 0)
        {
            return;
        }

        var ids = slos.Select(s => s.Id).ToList();
        var models = await db.Models.AsNoTracking().Where(m => slos.Select(s => s.ModelId).Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, cancellationToken);
        var rules = await db.AlertRules.Where(r => r.SloId != null && ids.Contains(r.SloId.Value)).ToListAsync(cancellationToken);
        var runbook = await db.Runbooks.AsNoTracking().Where(r => r.Title == RunbookTitle).Select(r => (int?)r.Id).FirstOrDefaultAsync(cancellationToken);
        foreach (var slo in slos)
        {
            foreach (var alert in Alerts)
            {
                var rule = rules.FirstOrDefault(r => r.SloId == slo.Id && r.SloAlert == alert.ToString());
                if (rule is null)
                {
                    rule = new AlertRuleEntity { Name = "", SloId = slo.Id, SloAlert = alert.ToString(), CreatedAt = now, RunbookId = runbook };
                    db.AlertRules.Add(rule);
                }

                Apply(slo, models.GetValueOrDefault(slo.ModelId, "?"), alert, rule, now);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The rule's fields as the SLO says; the runbook stays as set (an Admin may point it elsewhere).</summary>
    private static void Apply(SloDefinition slo, string model, BurnAlertSeverity alert, AlertRuleEntity rule, DateTime now)
    {
        var kind = alert.ToString().ToLowerInvariant();
        var pairs = BurnRateAlertRule.ForWindow(slo.WindowDays).Where(p => p.Severity == alert).ToList();
        var name = $"SLO {model}/{slo.Name} {kind}";
        var changed = rule.Id == 0;
        void Set<T>(T current, T value, Action<T> set)
        {
            if (!EqualityComparer<T>.Default.Equals(current, value))
            {
                set(value);
                changed = true;
            }
        }

        Set(rule.Name, name.Length <= AlertRuleEntity.NameMaxLength ? name : $"SLO {slo.Id} {kind}", v => rule.Name = v);
        Set(rule.ModelId, (int?)slo.ModelId, v => rule.ModelId = v);
        Set(rule.Metric, AlertMetric.SloBurnRate, v => rule.Metric = v);
        Set(rule.Comparator, nameof(Comparator.GreaterThan), v => rule.Comparator = v);
        Set(rule.Threshold, 1.0, v => rule.Threshold = v);
        Set(rule.WindowSeconds, (int)pairs.Max(p => SloEvaluator.BurnWindows.First(w => w.Name == p.LongWindow).Length).TotalSeconds, v => rule.WindowSeconds = v);
        Set(rule.ForSeconds, 0, v => rule.ForSeconds = v);
        Set(rule.KeepFiringForSeconds, 0, v => rule.KeepFiringForSeconds = v);
        Set(rule.Severity, alert == BurnAlertSeverity.Page ? slo.PageSeverity : slo.TicketSeverity, v => rule.Severity = v);
        Set(rule.LabelsJson, JsonSerializer.Serialize(new SortedDictionary<string, string> { [SloLabel] = slo.Name, [SloAlertLabel] = kind }), v => rule.LabelsJson = v);
        Set(rule.ChannelIdsJson, slo.ChannelIdsJson, v => rule.ChannelIdsJson = v);
        Set(rule.Enabled, slo.Enabled, v => rule.Enabled = v);
        Set(rule.NoData, nameof(NoDataPolicy.Resolve), v => rule.NoData = v);
        Set(rule.Description, $"{kind} alert of the SLO \"{slo.Name}\": " + string.Join(" or ", pairs.Select(p =>
            $"{p.LongWindow} and {p.ShortWindow} burn rates both above {p.Threshold:0.###}")) + ". Changes with the SLO.", v => rule.Description = v);
        if (changed)
        {
            rule.UpdatedAt = now;
        }
    }

    /// <summary>
    /// The value of an SLO rule at each whole minute of [<paramref name="from"/>, <paramref name="to"/>] from the SLI
    /// history (<see cref="SloBurnAlerts.Value"/>); a minute without a record, or without traffic, has no value.
    /// </summary>
    public static async Task<Func<DateTimeOffset, double?>> SeriesAsync(
        PortalDbContext db, AlertRuleEntity rule, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken, Preload? preload = null)
    {
        var covered = preload is not null && Minute(from) >= preload.FromMs && Minute(to) <= preload.ToMs;
        var slo = covered
            ? preload!.Definitions.GetValueOrDefault(rule.SloId ?? 0)
            : await db.SloDefinitions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == rule.SloId, cancellationToken);
        if (slo is null || !Enum.TryParse<BurnAlertSeverity>(rule.SloAlert, out var alert))
        {
            return _ => null;
        }

        var pairs = BurnRateAlertRule.ForWindow(slo.WindowDays);
        var allowed = SloInput.From(slo).ToAnalysis().AllowedBadFraction;
        var history = covered
            ? SloSliHistory.ByMinute(slo, preload!.Records[slo.Id].Where(r => r.MinuteMs >= Minute(from) && r.MinuteMs <= Minute(to)))
            : await SloSliHistory.ReadAsync(db, slo, Minute(from), Minute(to), cancellationToken);
        return t => history.TryGetValue(Minute(t), out var rates) ? SloBurnAlerts.Value(SloEvaluator.AlertsFor(pairs, rates, allowed), alert) : null;
    }

    /// <summary>Every SLO and the SLI history of the minute of <c>at</c>, read once for a live evaluation of all SLO rules.</summary>
    public sealed record Preload(long FromMs, long ToMs, IReadOnlyDictionary<int, SloDefinition> Definitions, ILookup<int, SloSliRecord> Records);

    public static async Task<Preload> PreloadAsync(PortalDbContext db, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var minute = Minute(at);
        var definitions = await db.SloDefinitions.AsNoTracking().ToDictionaryAsync(s => s.Id, cancellationToken);
        var records = await db.SloSliRecords.AsNoTracking().Where(r => r.MinuteMs == minute).ToListAsync(cancellationToken);
        return new Preload(minute, minute, definitions, records.ToLookup(r => r.SloId));
    }

    private static long Minute(DateTimeOffset t) => Ingestion.RollupAccumulator.MinuteOf(t.ToUnixTimeMilliseconds());
}
