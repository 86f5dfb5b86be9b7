using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Web.Features.Provisioning;

/// <summary>The last outcome of one file, as the status page and <c>GET /api/v1/provisioning/status</c> show it.</summary>
public sealed record FileStatus(
    string File, DateTime CheckedAt, string Outcome, int Created, int Updated, int Unchanged, int Removed, IReadOnlyList<ProvisioningError> Errors);

/// <summary>Whether provisioning is on, where it reads, and the last outcome of each file.</summary>
public sealed record ProvisioningStatus(bool Enabled, string? Path, DateTime? LastRunAt, IReadOnlyList<FileStatus> Files);

/// <summary>
/// Applies the provisioning folder: every file (in name order, so a file may refer to objects of an earlier one) and
/// the files that were removed (their objects go). One run at a time; the outcome of each file is kept for the status.
/// </summary>
public sealed class ProvisioningService(
    IServiceScopeFactory scopes, IDbContextFactory<PortalDbContext> contexts, PortalDatabaseInfo database, IOptions<ProvisioningOptions> options,
    TimeProvider time, ILogger<ProvisioningService> logger)
{
    private readonly SemaphoreSlim running = new(1, 1);
    private readonly Dictionary<string, FileStatus> files = new(StringComparer.Ordinal);
    private DateTime? lastRunAt;

    public string? Folder => string.IsNullOrWhiteSpace(options.Value.Path) ? null : System.IO.Path.GetFullPath(options.Value.Path);

    public ProvisioningStatus Status()
    {
        lock (files)
        {
            return new ProvisioningStatus(Folder is not null, Folder, lastRunAt, files.Values.OrderBy(f => f.File, StringComparer.Ordinal).ToList());
        }
    }

    /// <summary>Applies every file of the folder (and forgets removed files); returns the status.</summary>
    public async Task<ProvisioningStatus> ApplyAllAsync(CancellationToken cancellationToken = default)
    {
        if (Folder is not { } folder)
        {
            return Status();
        }

        await running.WaitAsync(cancellationToken);
        try
        {
            // One node at a time (PostgreSQL); the next one finds the files applied and writes nothing.
            await using var clusterLock = await ClusterLockAsync(cancellationToken);
            var present = Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, "*.*", SearchOption.TopDirectoryOnly)
                    .Where(IsProvisioningFile).Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList()
                : [];
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                var removed = await db.ProvisionedObjects.Select(p => p.File).Distinct().ToListAsync(cancellationToken);
                foreach (var file in removed.Except(present).Order(StringComparer.Ordinal))
                {
                    await ApplyFileAsync(file, [], cancellationToken);
                    lock (files)
                    {
                        files.Remove(file);
                    }
                }
            }

            foreach (var file in present)
            {
                string text;
                try
                {
                    text = await File.ReadAllTextAsync(System.IO.Path.Combine(folder, file), cancellationToken);
                }
                catch (IOException e)
                {
                    // Being written right now: the watcher sees the next change.
                    logger.LogWarning("Provisioning file {File} could not be read: {Error}", file, e.Message);
                    continue;
                }

                var (documents, errors) = ProvisioningYaml.Read(file, text, Environment.GetEnvironmentVariable);
                if (errors.Count > 0)
                {
                    Record(file, new FileOutcome(0, 0, 0, 0, errors));
                    continue;
                }

                await ApplyFileAsync(file, documents, cancellationToken);
            }

            lastRunAt = time.GetUtcNow().UtcDateTime;
            return Status();
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<IAsyncDisposable> ClusterLockAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await database.TryAcquireClusterLockAsync(ClusterLockKeys.Provisioning, cancellationToken) is { } held)
            {
                return held;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    public static bool IsProvisioningFile(string path) =>
        System.IO.Path.GetExtension(path) is ".yaml" or ".yml" && !System.IO.Path.GetFileName(path).StartsWith('.');

    private async Task ApplyFileAsync(string file, IReadOnlyList<ProvisioningDocument> documents, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applier = scope.ServiceProvider.GetRequiredService<ProvisioningApplier>();
        FileOutcome outcome;
        try
        {
            outcome = await applier.ApplyAsync(file, documents, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Provisioning file {File} failed", file);
            outcome = new FileOutcome(0, 0, 0, 0, [new ProvisioningError(file, 0, "$", $"failed: {e.Message}")]);
        }

        Record(file, outcome);
    }

    private void Record(string file, FileOutcome outcome)
    {
        var status = new FileStatus(file, time.GetUtcNow().UtcDateTime,
            outcome.Refused ? "refused" : outcome.Created + outcome.Updated + outcome.Removed == 0 ? "unchanged" : "applied",
            outcome.Created, outcome.Updated, outcome.Unchanged, outcome.Removed, outcome.Errors);
        if (outcome.Refused)
        {
            foreach (var error in outcome.Errors)
            {
                logger.LogWarning("Provisioning file refused (the previous state is kept): {Error}", error.ToString());
            }
        }
        else if (status.Outcome == "applied")
        {
            logger.LogInformation("Provisioning file {File} applied: {Created} created, {Updated} updated, {Removed} removed, {Unchanged} unchanged",
                file, outcome.Created, outcome.Updated, outcome.Removed, outcome.Unchanged);
        }

        lock (files)
        {
            files[file] = status;
        }
    }
}
