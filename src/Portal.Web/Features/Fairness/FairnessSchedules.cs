using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Fairness;

/// <summary>
/// One recurring fairness job ("fairness:&lt;model&gt;") per model with at least one sensitive attribute, on the quality
/// job's schedule (<see cref="JobsOptions.QualityCron"/>): the two read the same labelled predictions.
/// </summary>
public sealed class FairnessSchedules(PortalDbContext db, JobStorage storage, IOptions<JobsOptions> options) : IRecurringJobSource
{
    public const string Family = "fairness";

    public static readonly PerModelJob<FairnessJob> Job = new(Family, modelId => j => j.RunAsync(modelId, null, CancellationToken.None));

    public async Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        var models = await (from m in db.Models.AsNoTracking()
                            join s in db.FairnessSettings.AsNoTracking() on m.Id equals s.ModelId
                            select new { m.Id, m.Name, s.Attributes }).ToListAsync(cancellationToken);
        Job.Sync(jobs, storage, models.Select(m => (m.Id, m.Name, m.Attributes.Count > 0 ? options.Value.QualityCron : null)));
    }

    /// <summary>Registers or removes one model's fairness job after its settings changed.</summary>
    public static void Apply(IRecurringJobManager jobs, int modelId, string model, FairnessSettingsView settings, string cron) =>
        Job.Apply(jobs, modelId, model, settings.Attributes.Count > 0 ? cron : null);
}
