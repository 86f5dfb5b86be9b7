using System.Text.Json;
using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Ingestion;

/// <summary>
/// Deletes raw predictions, feedback labels and resource samples older than <see cref="RetentionOptions.RawDays"/>
/// and confusion rollups older than <see cref="RetentionOptions.ConfusionDays"/> (the other rollups are kept), in chunks so the ingestion writer is never locked out for long; also removes reference
/// uploads that a crash cut off. A Hangfire recurring job (<see cref="RetentionJobSource"/>), so on several nodes it
/// runs once per schedule, not once per node; each run is recorded as a <c>retention</c> job run.
/// </summary>
public sealed class RetentionService(IServiceScopeFactory scopes, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionService> logger)
{
    public const string JobType = "retention";
    private const int ChunkSize = 5_000;

    /// <summary>
    /// The job body: one recorded pass. Its inputs hold when Hangfire's scheduler triggered the occurrence (the job's
    /// "Time" parameter), so runs can be told apart per occurrence.
    /// </summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(PerformContext? context, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var recorder = scope.ServiceProvider.GetRequiredService<JobRunRecorder>();
        await recorder.RunAsync(JobType, null, null, null, async (run, ct) =>
        {
            var triggered = context?.GetJobParameter<long?>("Time") is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime : (DateTime?)null;
            run.InputJson = JsonSerializer.Serialize(new { rawDays = options.Value.RawDays, triggeredAt = triggered });
            var deleted = await RunOnceAsync(ct);
            return new JobResult($"{deleted} rows deleted (raw rows older than {options.Value.RawDays} days, confusion rollups older than {options.Value.ConfusionDays} days)");
        }, context, cancellationToken);
    }

    /// <summary>One pass; returns the number of rows deleted (raw rows and confusion rollups).</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().AddDays(-Math.Max(1, options.Value.RawDays)).ToUnixTimeMilliseconds();
        var confusionCutoff = time.GetUtcNow().AddDays(-Math.Max(1, options.Value.ConfusionDays)).ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        long deleted = 0;
        foreach (var modelId in await db.Models.Select(m => m.Id).ToListAsync(cancellationToken))
        {
            deleted += await InChunks(() => db.PredictionEvents.Where(p => p.ModelId == modelId && p.TimestampMs < cutoff).OrderBy(p => p.TimestampMs).Take(ChunkSize).ExecuteDeleteAsync(cancellationToken));
            deleted += await InChunks(() => db.FeedbackLabels.Where(f => f.ModelId == modelId && f.TimestampMs < cutoff).OrderBy(f => f.TimestampMs).Take(ChunkSize).ExecuteDeleteAsync(cancellationToken));
            deleted += await InChunks(() => db.ConfusionRollups.Where(r => r.ModelId == modelId && r.MinuteMs < confusionCutoff).OrderBy(r => r.MinuteMs).Take(ChunkSize).ExecuteDeleteAsync(cancellationToken));
        }

        deleted += await InChunks(() => db.ResourceSamples.Where(r => r.TimestampMs < cutoff).OrderBy(r => r.TimestampMs).Take(ChunkSize).ExecuteDeleteAsync(cancellationToken));

        var staleUploads = time.GetUtcNow().AddHours(-6);
        var stale = await db.ReferenceDatasets.Where(d => d.Status == ReferenceStatus.Uploading).ToListAsync(cancellationToken);
        foreach (var dataset in stale.Where(d => d.CreatedAt < staleUploads))
        {
            await db.ReferenceDatasets.Where(d => d.Id == dataset.Id).ExecuteDeleteAsync(cancellationToken);
        }

        if (deleted > 0)
        {
            logger.LogInformation("Retention deleted {Rows} raw rows older than {Days} days.", deleted, options.Value.RawDays);
        }

        return deleted;
    }

    private static async Task<long> InChunks(Func<Task<int>> deleteChunk)
    {
        long total = 0;
        int deleted;
        do
        {
            deleted = await deleteChunk();
            total += deleted;
        }
        while (deleted == ChunkSize);
        return total;
    }
}

/// <summary>Registers the retention job (<see cref="RetentionOptions.CronExpression"/>, UTC).</summary>
public sealed class RetentionJobSource(IOptions<RetentionOptions> options) : IRecurringJobSource
{
    public const string JobId = "retention";

    public Task RegisterAsync(IRecurringJobManager jobs, CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate<RetentionService>(JobId, s => s.RunAsync(null, CancellationToken.None), options.Value.CronExpression(), new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return Task.CompletedTask;
    }
}
