using System.Linq.Expressions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Infrastructure.Jobs;

/// <summary>
/// A family of recurring per-model jobs (drift, quality, fairness, SLO): one "family:model" job (<see cref="RecurringJobSet.Id"/>)
/// per model whose settings want one, on the cron they give, kept equal to the database; and the prologue every run
/// starts with (the model, which may have been deleted since the run was scheduled). Runs go to the family's own queue
/// (<see cref="JobQueues.ModelJobs"/>).
/// </summary>
public sealed class PerModelJob<TJob>
{
    private readonly string family;
    private readonly Func<int, Expression<Func<TJob, Task>>> run;

    public PerModelJob(string family, Func<int, Expression<Func<TJob, Task>>> run)
    {
        if (!JobQueues.ModelJobs.Contains(family))
        {
            throw new ArgumentException($"The job family '{family}' has no queue of its own: add it to JobQueues.ModelJobs.", nameof(family));
        }

        this.family = family;
        this.run = run;
    }

    public string Family => family;

    /// <summary>Registers the model's job on <paramref name="cron"/>, or removes it when null (its settings want none).</summary>
    public void Apply(IRecurringJobManager jobs, int modelId, string model, string? cron)
    {
        if (cron is null)
        {
            jobs.RemoveIfExists(RecurringJobSet.Id(family, model));
        }
        else
        {
            jobs.AddOrUpdate(RecurringJobSet.Id(family, model), family, run(modelId), cron, RecurringJobSet.Utc);
        }
    }

    /// <summary>Registers the job of every model with a cron and removes the family's other jobs.</summary>
    public void Sync(IRecurringJobManager jobs, JobStorage storage, IEnumerable<(int ModelId, string Model, string? Cron)> models)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (modelId, model, cron) in models.Where(m => m.Cron is not null))
        {
            Apply(jobs, modelId, model, cron);
            keep.Add(RecurringJobSet.Id(family, model));
        }

        RecurringJobSet.RemoveOthers(storage, jobs, family, keep);
    }

    /// <summary>The model of a run (with its features when asked), untracked; null, logged, when it no longer exists.</summary>
    public async Task<MlModel?> ModelAsync(PortalDbContext db, int modelId, ILogger logger, CancellationToken cancellationToken, bool withFeatures = false)
    {
        var models = withFeatures ? db.Models.AsNoTracking().Include(m => m.Features) : db.Models.AsNoTracking();
        var model = await models.FirstOrDefaultAsync(m => m.Id == modelId, cancellationToken);
        if (model is null)
        {
            logger.LogInformation("The {Family} job of model {ModelId} skipped: the model no longer exists", family, modelId);
        }

        return model;
    }
}
