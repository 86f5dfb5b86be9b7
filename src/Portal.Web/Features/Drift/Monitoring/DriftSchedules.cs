using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>One recurring drift job per model ("drift:&lt;model&gt;") on the model's cron; disabled models have none.</summary>
public sealed class DriftSchedules(PortalDbContext db, JobStorage storage) : IRecurringJobSource
{
    public const string Family = "drift";

    public static readonly PerModelJob<DriftJob> Job = new(Family, modelId => j => j.RunAsync(modelId, null, CancellationToken.None));

    public async Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        var models = await db.Models.AsNoTracking().Select(m => new { m.Id, m.Name }).ToListAsync(cancellationToken);
        var settings = await db.DriftSettings.AsNoTracking().ToDictionaryAsync(s => s.ModelId, cancellationToken);
        Job.Sync(jobs, storage, models.Select(m => (m.Id, m.Name, Cron(DriftSettingsView.From(settings.GetValueOrDefault(m.Id))))));
    }

    /// <summary>Registers or removes one model's drift job after its settings changed.</summary>
    public static void Apply(IRecurringJobManager jobs, int modelId, string model, DriftSettingsView settings) =>
        Job.Apply(jobs, modelId, model, Cron(settings));

    private static string? Cron(DriftSettingsView settings) => settings.Enabled ? settings.Cron : null;
}
