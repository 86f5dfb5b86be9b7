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

    public static readonly PerModelJob<QualityJob> Job = new(Family, modelId => j => j.RunAsync(modelId, null, CancellationToken.None));

    public async Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        var models = await db.Models.AsNoTracking().Select(m => new { m.Id, m.Name }).ToListAsync(cancellationToken);
        Job.Sync(jobs, storage, models.Select(m => (m.Id, m.Name, (string?)options.Value.QualityCron)));
    }
}
