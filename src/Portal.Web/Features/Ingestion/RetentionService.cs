using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Features.Ingestion;

/// <summary>
/// Deletes raw predictions, feedback labels and resource samples older than <see cref="RetentionOptions.RawDays"/>
/// (rollups are kept), in chunks so the ingestion writer is never locked out for long; also removes reference
/// uploads that a crash cut off. Runs a minute after start-up, then every <see cref="RetentionOptions.IntervalMinutes"/>.
/// </summary>
public sealed class RetentionService(IServiceScopeFactory scopes, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    private const int ChunkSize = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Retention run failed; it is retried at the next interval.");
                }

                await Task.Delay(TimeSpan.FromMinutes(Math.Max(1, options.Value.IntervalMinutes)), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One pass; returns the number of raw rows deleted.</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().AddDays(-Math.Max(1, options.Value.RawDays)).ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        long deleted = 0;
        foreach (var modelId in await db.Models.Select(m => m.Id).ToListAsync(cancellationToken))
        {
            deleted += await InChunks(() => db.PredictionEvents.Where(p => p.ModelId == modelId && p.TimestampMs < cutoff).OrderBy(p => p.TimestampMs).Take(ChunkSize).ExecuteDeleteAsync(cancellationToken));
            deleted += await InChunks(() => db.FeedbackLabels.Where(f => f.ModelId == modelId && f.TimestampMs < cutoff).OrderBy(f => f.TimestampMs).Take(ChunkSize).ExecuteDeleteAsync(cancellationToken));
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
