using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Provisioning;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>Reads and saves a model's drift settings (validated, audited) and keeps its recurring job in step.</summary>
public sealed class DriftSettingsService(IDbContextFactory<PortalDbContext> contexts, IAuditLog audit, IRecurringJobManager recurring, IBackgroundJobClient jobs, TimeProvider time, ProvisioningGuard provisioning)
{
    public const string EntityType = "DriftSettings";

    public async Task<DriftSettingsView> GetAsync(int modelId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return DriftSettingsView.From(await db.DriftSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ModelId == modelId, cancellationToken));
    }

    /// <summary>The model's latest drift run, null before the first.</summary>
    public async Task<DriftRun?> LatestRunAsync(int modelId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.DriftRuns.AsNoTracking().Where(r => r.ModelId == modelId).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Validates and stores the settings, records the change in the audit log and reschedules the model's drift job.</summary>
    /// <exception cref="Portal.Analysis.Common.AnalysisInputException">A field is invalid (the exception names it).</exception>
    public async Task<DriftSettingsView> SaveAsync(MlModel model, DriftSettingsView settings, CancellationToken cancellationToken = default)
    {
        await provisioning.EnsureWritableAsync(ProvisionedKinds.DriftSettings, model.Name, cancellationToken);
        settings = DriftSettingsRules.Validate(settings, model, time.GetUtcNow().UtcDateTime);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await db.DriftSettings.FirstOrDefaultAsync(s => s.ModelId == model.Id, cancellationToken);
        var before = DriftSettingsView.From(entity);
        if (entity is null)
        {
            entity = new DriftSettings { ModelId = model.Id };
            db.DriftSettings.Add(entity);
        }

        settings.ApplyTo(entity);
        entity.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await audit.RecordAsync(db, AuditActions.Update, EntityType, model.Name, Snapshot(before), Snapshot(settings), cancellationToken);
        var saved = DriftSettingsView.From(entity);
        DriftSchedules.Apply(recurring, model.Id, model.Name, saved);
        return saved;
    }

    /// <summary>Enqueues the model's drift job now; returns the Hangfire job id.</summary>
    public string RunNow(int modelId) => jobs.Enqueue<DriftJob>(j => j.RunAsync(modelId, null, CancellationToken.None));

    /// <summary>What the audit log shows: the settings without the default severity table.</summary>
    private static object Snapshot(DriftSettingsView s) => new
    {
        s.Cron,
        s.Enabled,
        Window = s.Window.ToString(),
        s.FixedStart,
        s.FixedEnd,
        s.DriftShare,
        s.MinSampleSize,
        s.BenjaminiHochberg,
        s.Features,
        Severity = s.Severity.Where(t => DriftSeverityRules.DefaultThresholds.GetValueOrDefault(t.Key) != t.Value).ToDictionary(),
    };
}
