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

    public static readonly PerModelJob<SloJob> Job = new(Family, modelId => j => j.RunAsync(modelId, null, CancellationToken.None));

    public async Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        var models = await db.Models.AsNoTracking()
            .Where(m => db.SloDefinitions.Any(s => s.ModelId == m.Id && s.Enabled))
            .Select(m => new { m.Id, m.Name }).ToListAsync(cancellationToken);
        Job.Sync(jobs, storage, models.Select(m => (m.Id, m.Name, (string?)options.Value.SloCron)));
    }

    /// <summary>Registers the model's SLO job, or removes it when the model has no enabled SLO left.</summary>
    public static void Apply(IRecurringJobManager jobs, int modelId, string model, bool hasSlos, string cron) =>
        Job.Apply(jobs, modelId, model, hasSlos ? cron : null);
}
