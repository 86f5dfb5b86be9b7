using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>One recurring drift job per model ("drift:&lt;model&gt;") on the model's cron; disabled models have none.</summary>
public sealed class DriftSchedules(PortalDbContext db, JobStorage storage) : IRecurringJobSource
{
    public const string Family = "drift";

    public async Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        var models = await db.Models.AsNoTracking().Select(m => new { m.Id, m.Name }).ToListAsync(cancellationToken);
        var settings = await db.DriftSettings.AsNoTracking().ToDictionaryAsync(s => s.ModelId, cancellationToken);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            var view = DriftSettingsView.From(settings.GetValueOrDefault(model.Id));
            if (view.Enabled)
            {
                Register(jobs, model.Id, model.Name, view.Cron);
                keep.Add(RecurringJobSet.Id(Family, model.Name));
            }
        }

        RecurringJobSet.RemoveOthers(storage, jobs, Family, keep);
    }

    public static void Register(IRecurringJobManager jobs, int modelId, string model, string cron) =>
        jobs.AddOrUpdate<DriftJob>(RecurringJobSet.Id(Family, model), j => j.RunAsync(modelId, null, CancellationToken.None), cron, RecurringJobSet.Utc);

    /// <summary>Registers or removes one model's drift job after its settings changed.</summary>
    public static void Apply(IRecurringJobManager jobs, int modelId, string model, DriftSettingsView settings)
    {
        if (settings.Enabled)
        {
            Register(jobs, modelId, model, settings.Cron);
        }
        else
        {
            jobs.RemoveIfExists(RecurringJobSet.Id(Family, model));
        }
    }
}
