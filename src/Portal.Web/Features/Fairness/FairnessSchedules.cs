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

    public async Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        var models = await (from m in db.Models.AsNoTracking()
                            join s in db.FairnessSettings.AsNoTracking() on m.Id equals s.ModelId
                            select new { m.Id, m.Name, s.Attributes }).ToListAsync(cancellationToken);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in models.Where(m => m.Attributes.Count > 0))
        {
            Register(jobs, model.Id, model.Name, options.Value.QualityCron);
            keep.Add(RecurringJobSet.Id(Family, model.Name));
        }

        RecurringJobSet.RemoveOthers(storage, jobs, Family, keep);
    }

    private static void Register(IRecurringJobManager jobs, int modelId, string model, string cron) =>
        jobs.AddOrUpdate<FairnessJob>(RecurringJobSet.Id(Family, model), j => j.RunAsync(modelId, null, CancellationToken.None), cron, RecurringJobSet.Utc);

    /// <summary>Registers or removes one model's fairness job after its settings changed.</summary>
    public static void Apply(IRecurringJobManager jobs, int modelId, string model, FairnessSettingsView settings, string cron)
    {
        if (settings.Attributes.Count > 0)
        {
            Register(jobs, modelId, model, cron);
        }
        else
        {
            jobs.RemoveIfExists(RecurringJobSet.Id(Family, model));
        }
    }
}
