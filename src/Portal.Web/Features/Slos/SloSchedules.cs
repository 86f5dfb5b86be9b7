using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Slos;

/// <summary>One recurring SLO job ("slo:&lt;model&gt;", <see cref="JobsOptions.SloCron"/>) per model that has an enabled SLO.</summary>
public sealed class SloSchedules(PortalDbContext db, JobStorage storage, IOptions<JobsOptions> options) : IRecurringJobSource
{
    public const string Family = "slo";

    public async Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        var models = await db.Models.AsNoTracking()
            .Where(m => db.SloDefinitions.Any(s => s.ModelId == m.Id && s.Enabled))
            .Select(m => new { m.Id, m.Name }).ToListAsync(cancellationToken);
        foreach (var model in models)
        {
            Register(jobs, model.Id, model.Name, options.Value.SloCron);
        }

        RecurringJobSet.RemoveOthers(storage, jobs, Family, models.Select(m => RecurringJobSet.Id(Family, m.Name)).ToHashSet());
    }

    /// <summary>Registers the model's SLO job, or removes it when the model has no enabled SLO left.</summary>
    public static void Apply(IRecurringJobManager jobs, int modelId, string model, bool hasSlos, string cron)
    {
        if (hasSlos)
        {
            Register(jobs, modelId, model, cron);
        }
        else
        {
            jobs.RemoveIfExists(RecurringJobSet.Id(Family, model));
        }
    }

    private static void Register(IRecurringJobManager jobs, int modelId, string model, string cron) =>
        jobs.AddOrUpdate<SloJob>(RecurringJobSet.Id(Family, model), j => j.RunAsync(modelId, null, CancellationToken.None), cron, RecurringJobSet.Utc);
}
