using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Fairness;

/// <summary>Reads and saves a model's fairness settings (validated, audited) and keeps its recurring fairness job in step.</summary>
public sealed class FairnessSettingsService(
    IDbContextFactory<PortalDbContext> contexts, IAuditLog audit, IRecurringJobManager recurring, IBackgroundJobClient jobs, IOptions<JobsOptions> options, TimeProvider time)
{
    public const string EntityType = "FairnessSettings";

    public async Task<FairnessSettingsView> GetAsync(int modelId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return FairnessSettingsView.From(await db.FairnessSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ModelId == modelId, cancellationToken));
    }

    /// <summary>Validates and stores the settings, records the change in the audit log and (re)schedules the model's fairness job.</summary>
    /// <exception cref="Portal.Analysis.Common.AnalysisInputException">A field is invalid (the exception names it).</exception>
    public async Task<FairnessSettingsView> SaveAsync(MlModel model, FairnessSettingsView settings, CancellationToken cancellationToken = default)
    {
        settings = settings.Validate(model);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await db.FairnessSettings.FirstOrDefaultAsync(s => s.ModelId == model.Id, cancellationToken);
        var before = FairnessSettingsView.From(entity);
        if (entity is null)
        {
            entity = new FairnessSettings { ModelId = model.Id };
            db.FairnessSettings.Add(entity);
        }

        settings.ApplyTo(entity);
        entity.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await audit.RecordAsync(db, AuditActions.Update, EntityType, model.Name, before, settings, cancellationToken);
        FairnessSchedules.Apply(recurring, model.Id, model.Name, settings, options.Value.QualityCron);
        return settings;
    }

    /// <summary>Enqueues the model's fairness job now; returns the Hangfire job id.</summary>
    public string RunNow(int modelId) => jobs.Enqueue<FairnessJob>(j => j.RunAsync(modelId, null, CancellationToken.None));
}
