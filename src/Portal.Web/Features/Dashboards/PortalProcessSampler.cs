using System.Diagnostics;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Ingestion;

namespace Portal.Web.Features.Dashboards;

/// <summary>Configuration section <c>Portal:Resources</c>.</summary>
public sealed class PortalResourceOptions
{
    public const string Section = "Portal:Resources";

    /// <summary>How often the portal samples its own process; 0 turns the sampler off.</summary>
    public int SelfSampleSeconds { get; set; } = 10;
}

/// <summary>The portal process at one moment.</summary>
public sealed record PortalProcessSnapshot(
    string Host, DateTime At, double CpuPercent, long WorkingSetBytes, double? MemoryPercent, long GcHeapBytes, int Threads);

/// <summary>
/// Samples the portal's own process every <see cref="PortalResourceOptions.SelfSampleSeconds"/>: CPU % (of all cores)
/// and working set go through the ingestion writer as resource samples of host <c>portal:&lt;machine&gt;</c>, so they
/// are stored, rolled up and charted like any serving host (every node of a cluster appears); GC heap size and thread
/// count are kept only as this node's latest snapshot (<see cref="Latest"/>), shown live on the resources tab.
/// </summary>
public sealed class PortalProcessSampler(IngestionChannel channel, IOptions<PortalResourceOptions> options, TimeProvider time, ILogger<PortalProcessSampler> logger) : BackgroundService
{
    public static string HostName { get; } = "portal:" + Environment.MachineName;

    private TimeSpan lastCpu;
    private long lastTimestamp;

    public PortalProcessSnapshot? Latest { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.SelfSampleSeconds <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SelfSampleSeconds), time);
        try
        {
            do
            {
                await SampleAndStoreAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task SampleAndStoreAsync(CancellationToken stoppingToken)
    {
        try
        {
            var snapshot = Sample();
            var request = new ResourceWrite([new ResourceRecord
            {
                Host = snapshot.Host,
                TimestampMs = new DateTimeOffset(snapshot.At).ToUnixTimeMilliseconds(),
                CpuPercent = snapshot.CpuPercent,
                MemoryBytes = snapshot.WorkingSetBytes,
                MemoryPercent = snapshot.MemoryPercent,
            }]);
            if (channel.TrySubmit(request) == IngestionChannel.SubmitResult.Queued)
            {
                await request.Completion.Task.WaitAsync(stoppingToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Sampling the portal process failed; trying again at the next interval.");
        }
    }

    /// <summary>Measures the process now; CPU % is over the time since the previous sample (or since the process started).</summary>
    public PortalProcessSnapshot Sample()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var now = Stopwatch.GetTimestamp();
        var elapsed = lastTimestamp == 0 ? DateTime.Now - process.StartTime : Stopwatch.GetElapsedTime(lastTimestamp, now);
        var used = cpu - lastCpu;
        (lastCpu, lastTimestamp) = (cpu, now);
        var cpuPercent = elapsed > TimeSpan.Zero ? Math.Clamp(100 * used.TotalMilliseconds / (elapsed.TotalMilliseconds * Environment.ProcessorCount), 0, 100) : 0;
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var snapshot = new PortalProcessSnapshot(
            HostName, time.GetUtcNow().UtcDateTime, Math.Round(cpuPercent, 2), process.WorkingSet64,
            available > 0 ? Math.Round(100.0 * process.WorkingSet64 / available, 2) : null, GC.GetTotalMemory(false), process.Threads.Count);
        Latest = snapshot;
        return snapshot;
    }
}
