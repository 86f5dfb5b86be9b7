using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Provisioning;

/// <summary>
/// Applies the provisioning folder at start-up (before the portal serves requests, as Grafana does) and again whenever
/// a file in it is created, changed, renamed or deleted, once the folder has been quiet for the debounce interval.
/// </summary>
public sealed class ProvisioningWatcher(ProvisioningService provisioning, IOptions<ProvisioningOptions> options, ILogger<ProvisioningWatcher> logger)
    : IHostedService, IDisposable
{
    private FileSystemWatcher? watcher;
    private Timer? debounce;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (provisioning.Folder is not { } folder)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        await provisioning.ApplyAllAsync(cancellationToken);
        debounce = new Timer(_ => _ = ApplyAsync(), null, Timeout.Infinite, Timeout.Infinite);
        watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        watcher.Changed += Changed;
        watcher.Created += Changed;
        watcher.Deleted += Changed;
        watcher.Renamed += Changed;
        watcher.EnableRaisingEvents = true;
        logger.LogInformation("Provisioning from {Folder}", folder);
    }

    private void Changed(object sender, FileSystemEventArgs e)
    {
        if (ProvisioningService.IsProvisioningFile(e.FullPath) || (e is RenamedEventArgs r && ProvisioningService.IsProvisioningFile(r.OldFullPath)))
        {
            debounce?.Change(Math.Max(0, options.Value.DebounceMs), Timeout.Infinite);
        }
    }

    private async Task ApplyAsync()
    {
        try
        {
            await provisioning.ApplyAllAsync();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Provisioning failed");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (watcher is not null)
        {
            watcher.EnableRaisingEvents = false;
        }

        debounce?.Change(Timeout.Infinite, Timeout.Infinite);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        watcher?.Dispose();
        debounce?.Dispose();
    }
}
