using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities.Jobs;

namespace Portal.Web.Features.JobRuns;

/// <summary>A job run as listed: what ran, about which model and window, how long it took, how it ended and why.</summary>
public sealed record JobRunRow(
    long Id, string JobType, string? Model, DateTime? WindowStart, DateTime? WindowEnd, DateTime StartedAt, DateTime? FinishedAt,
    double? DurationMs, JobOutcome Outcome, int Attempt, string? Summary, string? Error, string? Node);

public sealed record JobRunFilter(string? Model = null, string? Type = null, JobOutcome? Outcome = null);

/// <summary>Job runs, newest first, filtered by model, job type and outcome (the Job runs page and GET /api/v1/jobs/runs).</summary>
public sealed class JobRunQuery(IDbContextFactory<PortalDbContext> contexts)
{
    public const int MaxTake = 500;

    public async Task<(int Total, IReadOnlyList<JobRunRow> Items)> SearchAsync(JobRunFilter filter, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var runs = db.JobRuns.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Model))
        {
            runs = runs.Where(r => db.Models.Any(m => m.Id == r.ModelId && m.Name == filter.Model));
        }

        if (!string.IsNullOrEmpty(filter.Type))
        {
            runs = runs.Where(r => r.JobType == filter.Type);
        }

        if (filter.Outcome is { } outcome)
        {
            runs = runs.Where(r => r.Outcome == outcome);
        }

        var total = await runs.CountAsync(cancellationToken);
        var items = await runs.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, MaxTake))
            .Select(r => new JobRunRow(
                r.Id, r.JobType, db.Models.Where(m => m.Id == r.ModelId).Select(m => m.Name).FirstOrDefault(), r.WindowStart, r.WindowEnd,
                r.StartedAt, r.FinishedAt, r.DurationMs, r.Outcome, r.Attempt, r.Summary, r.Error, r.Node))
            .ToListAsync(cancellationToken);
        return (total, items);
    }

    /// <summary>Job types that have run, for the filter.</summary>
    public async Task<IReadOnlyList<string>> TypesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.JobRuns.AsNoTracking().Select(r => r.JobType).Distinct().OrderBy(t => t).ToListAsync(cancellationToken);
    }

    /// <summary>Reads the outcome query value (succeeded, failed, notEnoughData, running); throws naming the field.</summary>
    public static JobOutcome? ParseOutcome(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : Enum.TryParse<JobOutcome>(text.Replace("_", "").Replace("-", ""), ignoreCase: true, out var outcome) && Enum.IsDefined(outcome) ? outcome
        : throw new AnalysisInputException("outcome", $"'{text}' is not an outcome: use running, succeeded, notEnoughData or failed.");
}
