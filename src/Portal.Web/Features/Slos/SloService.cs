using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Jobs;
using Portal.Web.Infrastructure.Provisioning;

namespace Portal.Web.Features.Slos;

/// <summary>
/// SLO definitions of a model: list with their latest status; create, change and delete (validated, audited). Every
/// change re-registers the model's SLO job and evaluates the model's SLOs at once.
/// </summary>
public sealed class SloService(
    IDbContextFactory<PortalDbContext> contexts, IAuditLog audit, IRecurringJobManager recurring, IBackgroundJobClient jobs, IOptions<JobsOptions> options, TimeProvider time, ProvisioningGuard provisioning)
{
    public const string EntityType = "Slo";

    /// <summary>The notification channels an SLO's alerts can go through (the dialog's choices), by name.</summary>
    public async Task<IReadOnlyList<SloChannelChoice>> ChannelChoicesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.NotificationChannels.AsNoTracking().OrderBy(c => c.Name)
            .Select(c => new SloChannelChoice(c.Id, c.Name, c.Type)).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SloView>> ListAsync(MlModel model, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var slos = await db.SloDefinitions.AsNoTracking().Where(s => s.ModelId == model.Id).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var ids = slos.Select(s => s.Id).ToList();
        var statuses = await db.SloStatuses.AsNoTracking().Where(s => ids.Contains(s.SloId)).ToDictionaryAsync(s => s.SloId, cancellationToken);
        return slos.Select(s => ToView(model.Name, s, statuses.GetValueOrDefault(s.Id))).ToList();
    }

    public async Task<SloView?> FindAsync(MlModel model, int id, CancellationToken cancellationToken = default) =>
        (await ListAsync(model, cancellationToken)).FirstOrDefault(s => s.Id == id);

    /// <summary>
    /// The burn rate of every window at each recorded minute of the last <paramref name="span"/> (the SLI history that
    /// alerting records); null when the model has no SLO with this id.
    /// </summary>
    public async Task<SloBurnHistory?> BurnHistoryAsync(MlModel model, int id, TimeSpan span, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var slo = await db.SloDefinitions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.ModelId == model.Id, cancellationToken);
        if (slo is null)
        {
            return null;
        }

        var to = Ingestion.RollupAccumulator.MinuteOf(time.GetUtcNow().ToUnixTimeMilliseconds());
        var history = await SloSliHistory.ReadAsync(db, slo, to - (long)span.TotalMilliseconds, to, cancellationToken);
        var minutes = history.Keys.Order().ToList();
        var thresholds = Portal.Analysis.Slo.BurnRateAlertRule.ForWindow(slo.WindowDays)
            .Select(r => new SloBurnThreshold(r.Name, r.Severity.ToString().ToLowerInvariant(), r.LongWindow, r.ShortWindow, r.Threshold)).ToList();
        return new SloBurnHistory(
            minutes.Select(m => DateTimeOffset.FromUnixTimeMilliseconds(m).UtcDateTime).ToList(),
            Portal.Analysis.Slo.SloEvaluator.BurnWindows.Select(w => new SloBurnSeries(w.Name, minutes.Select(m => history[m].FirstOrDefault(r => r.Window == w.Name)?.Rate).ToList())).ToList(),
            thresholds);
    }

    /// <exception cref="AnalysisInputException">A field is invalid; the exception names it.</exception>
    public async Task<SloView> CreateAsync(MlModel model, SloInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        input = await ValidateAsync(db, model, input, null, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var entity = new SloDefinition { ModelId = model.Id, Name = input.Name, CreatedAt = now };
        Apply(input, entity, now);

        // The SLO and its alert rules commit together: the alert evaluation syncs the rules of every SLO it sees, and
        // seeing this one without its rules it would insert them a second time.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.SloDefinitions.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(db, AuditActions.Create, EntityType, $"{model.Name}/{entity.Id}", null, Snapshot(entity), cancellationToken);
        await SloAlertRules.SyncAsync(db, [entity.Id], now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await RescheduleAsync(db, model, cancellationToken);
        return ToView(model.Name, entity, null);
    }

    /// <returns>null when the model has no SLO with this id.</returns>
    public async Task<SloView?> UpdateAsync(MlModel model, int id, SloInput input, CancellationToken cancellationToken = default)
    {
        await provisioning.EnsureWritableAsync(ProvisionedKinds.Slo, id.ToString(), cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await db.SloDefinitions.FirstOrDefaultAsync(s => s.Id == id && s.ModelId == model.Id, cancellationToken);
        if (entity is null)
        {
            return null;
        }

        input = await ValidateAsync(db, model, input, id, cancellationToken);
        var before = Snapshot(entity);
        Apply(input, entity, time.GetUtcNow().UtcDateTime);
        await audit.RecordAsync(db, AuditActions.Update, EntityType, $"{model.Name}/{entity.Id}", before, Snapshot(entity), cancellationToken);
        await SloAlertRules.SyncAsync(db, [entity.Id], time.GetUtcNow().UtcDateTime, cancellationToken);
        await RescheduleAsync(db, model, cancellationToken);
        return await FindAsync(model, id, cancellationToken);
    }

    public async Task<bool> DeleteAsync(MlModel model, int id, CancellationToken cancellationToken = default)
    {
        await provisioning.EnsureWritableAsync(ProvisionedKinds.Slo, id.ToString(), cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await db.SloDefinitions.FirstOrDefaultAsync(s => s.Id == id && s.ModelId == model.Id, cancellationToken);
        if (entity is null)
        {
            return false;
        }

        db.SloDefinitions.Remove(entity);
        await audit.RecordAsync(db, AuditActions.Delete, EntityType, $"{model.Name}/{entity.Id}", Snapshot(entity), null, cancellationToken);
        await RescheduleAsync(db, model, cancellationToken);
        return true;
    }

    /// <summary>Enqueues the model's SLO evaluation now; returns the Hangfire job id.</summary>
    public string EvaluateNow(int modelId) => jobs.Enqueue<SloJob>(j => j.RunAsync(modelId, null, CancellationToken.None));

    private async Task RescheduleAsync(PortalDbContext db, MlModel model, CancellationToken cancellationToken)
    {
        var any = await db.SloDefinitions.AnyAsync(s => s.ModelId == model.Id && s.Enabled, cancellationToken);
        SloSchedules.Apply(recurring, model.Id, model.Name, any, options.Value.SloCron);
        if (any)
        {
            EvaluateNow(model.Id);
        }
    }

    private async Task<SloInput> ValidateAsync(PortalDbContext db, MlModel model, SloInput input, int? id, CancellationToken cancellationToken)
    {
        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            throw new AnalysisInputException("name", "is required.");
        }

        if (name.Length > SloDefinition.NameMaxLength)
        {
            throw new AnalysisInputException("name", $"is longer than {SloDefinition.NameMaxLength} characters.");
        }

        if (await db.SloDefinitions.AnyAsync(s => s.ModelId == model.Id && s.Name == name && s.Id != id, cancellationToken))
        {
            throw new AnalysisInputException("name", $"model '{model.Name}' already has an SLO named '{name}'.");
        }

        input.ToAnalysis().Validate();
        foreach (var (field, severity) in new[] { ("pageSeverity", input.PageSeverity), ("ticketSeverity", input.TicketSeverity) })
        {
            if (!Enum.IsDefined(severity))
            {
                throw new AnalysisInputException(field, "must be info, warning or critical.");
            }
        }

        var channels = input.ChannelIds ?? [];
        var known = await db.NotificationChannels.Where(c => channels.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
        for (var i = 0; i < channels.Count; i++)
        {
            if (!known.Contains(channels[i]))
            {
                throw new AnalysisInputException($"channelIds[{i}]", $"there is no notification channel {channels[i]}.");
            }
        }

        if (input.Kind == SloKind.Accuracy && model.TaskType == ModelTaskType.Regression)
        {
            throw new AnalysisInputException("kind", $"an accuracy SLO needs a classifier; '{model.Name}' is a regression model.");
        }

        // Only the bound of the SLO's own kind is kept.
        return input with
        {
            Name = name,
            LatencyBoundMs = input.Kind == SloKind.Latency ? input.LatencyBoundMs : null,
            MinRequestsPerMinute = input.Kind == SloKind.Throughput ? input.MinRequestsPerMinute : null,
            ChannelIds = channels.Distinct().ToList(),
        };
    }

    private static void Apply(SloInput input, SloDefinition entity, DateTime now)
    {
        entity.Name = input.Name;
        entity.Kind = input.Kind;
        entity.TargetPercent = input.TargetPercent;
        entity.WindowDays = input.WindowDays;
        entity.LatencyBoundMs = input.LatencyBoundMs;
        entity.MinRequestsPerMinute = input.MinRequestsPerMinute;
        entity.Enabled = input.Enabled;
        entity.PageSeverity = input.PageSeverity.ToString();
        entity.TicketSeverity = input.TicketSeverity.ToString();
        entity.ChannelIdsJson = JsonSerializer.Serialize(input.ChannelIds ?? []);
        entity.UpdatedAt = now;
    }

    private static object Snapshot(SloDefinition s) => new
    {
        s.Name,
        Kind = s.Kind.ToString(),
        s.TargetPercent,
        s.WindowDays,
        s.LatencyBoundMs,
        s.MinRequestsPerMinute,
        s.Enabled,
        s.PageSeverity,
        s.TicketSeverity,
        ChannelIds = s.ChannelIdsJson,
    };

    private static SloView ToView(string model, SloDefinition s, SloStatus? status)
    {
        var input = SloInput.From(s);
        return new(s.Id, model, s.Name, s.Kind, s.TargetPercent, s.WindowDays, s.LatencyBoundMs, s.MinRequestsPerMinute, s.Enabled,
            input.PageSeverity, input.TicketSeverity, input.ChannelIds ?? [], s.CreatedAt, s.UpdatedAt,
            status is null ? null : SloStatusView.From(status));
    }
}

public sealed record SloChannelChoice(int Id, string Name, Portal.Data.Entities.Alerting.ChannelType Type);
