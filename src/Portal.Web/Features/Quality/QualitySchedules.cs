using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Quality;

/// <summary>One recurring quality job ("quality:&lt;model&gt;", <see cref="JobsOptions.QualityCron"/>) per model.</summary>
public sealed class QualitySchedules(PortalDbContext db, JobStorage storage, IOptions<JobsOptions> options) : IRecurringJobSource
{
    public const string Family = "quality";

    public async Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        var models = await db.Models.AsNoTracking().Select(m => new { m.Id, m.Name }).ToListAsync(cancellationToken);
        foreach (var model in models)
        {
            jobs.AddOrUpdate<QualityJob>(RecurringJobSet.Id(Family, model.Name), j => j.RunAsync(model.Id, null, CancellationToken.None), options.Value.QualityCron, RecurringJobSet.Utc);
        }

        RecurringJobSet.RemoveOthers(storage, jobs, Family, models.Select(m => RecurringJobSet.Id(Family, m.Name)).ToHashSet());
    }
}
