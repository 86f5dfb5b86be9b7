using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Features.Dashboards;

/// <summary>Latest figures of a host (from its last minute with samples).</summary>
public sealed record HostLatest(DateTime At, double? CpuPercent, double? MemoryPercent, long? MemoryBytes, double? GpuPercent, long? GpuMemoryBytes);

/// <summary>One host's series (averages per bucket; memory figures are peaks).</summary>
public sealed record HostSeries(
    string Host, bool ServesModel, bool IsPortal, double?[] Cpu, double?[] MemoryPercent, double?[] MemoryBytes,
    double?[] Gpu, double?[] GpuMemoryBytes, HostLatest? Latest)
{
    public bool HasGpu => Gpu.Any(v => v is not null) || GpuMemoryBytes.Any(v => v is > 0);
}

public sealed record ResourceView(IReadOnlyList<DateTime> Times, IReadOnlyList<HostSeries> Hosts, PortalProcessSnapshot? Process);

/// <summary>
/// Resources tab: per-host CPU, memory and GPU from the per-minute resource rollups of the hosts that serve the model
/// and of hosts that named no model (shared hosts, the portal's own process among them), plus this node's live snapshot.
/// </summary>
public sealed class ResourceDashboard(IDbContextFactory<PortalDbContext> contexts, TimeProvider time, PortalProcessSampler sampler)
{
    /// <summary>Most hosts charted (those serving the model first).</summary>
    public const int MaxHosts = 20;

    public async Task<ResourceView> LoadAsync(ModelHeader model, DashboardWindow window, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var range = window.At(time.GetUtcNow());
        var rows = await ModelResources.Of(db.ResourceRollups.AsNoTracking(), model.Id, range.FromMs, range.ToMs).ToListAsync(cancellationToken);
        var hosts = rows.GroupBy(r => r.Host)
            .Select(g =>
            {
                var n = range.Buckets;
                double[] cpuSum = new double[n], memSum = new double[n], gpuSum = new double[n];
                long[] cpuN = new long[n], memN = new long[n], gpuN = new long[n];
                double?[] memBytes = new double?[n], gpuBytes = new double?[n];
                foreach (var r in g)
                {
                    var b = Math.Clamp(range.BucketOf(r.MinuteMs), 0, n - 1);
                    (cpuSum[b], cpuN[b]) = (cpuSum[b] + r.CpuSum, cpuN[b] + r.CpuSamples);
                    (memSum[b], memN[b]) = (memSum[b] + r.MemoryPercentSum, memN[b] + r.MemorySamples);
                    (gpuSum[b], gpuN[b]) = (gpuSum[b] + r.GpuSum, gpuN[b] + r.GpuSamples);
                    memBytes[b] = r.MemoryBytesMax > 0 ? Math.Max(memBytes[b] ?? 0, r.MemoryBytesMax) : memBytes[b];
                    gpuBytes[b] = r.GpuMemoryBytesMax > 0 ? Math.Max(gpuBytes[b] ?? 0, r.GpuMemoryBytesMax) : gpuBytes[b];
                }

                var last = g.MaxBy(r => r.MinuteMs)!;
                var latest = new HostLatest(
                    DateTime.UnixEpoch.AddMilliseconds(last.MinuteMs),
                    PredictionStats.Ratio(last.CpuSum, last.CpuSamples), PredictionStats.Ratio(last.MemoryPercentSum, last.MemorySamples),
                    last.MemoryBytesMax > 0 ? last.MemoryBytesMax : null, PredictionStats.Ratio(last.GpuSum, last.GpuSamples),
                    last.GpuMemoryBytesMax > 0 ? last.GpuMemoryBytesMax : null);
                return new HostSeries(
                    g.Key, g.Any(r => r.ModelId == model.Id), g.Key.StartsWith("portal:", StringComparison.Ordinal),
                    Averages(cpuSum, cpuN), Averages(memSum, memN), memBytes, Averages(gpuSum, gpuN), gpuBytes, latest);
            })
            .OrderByDescending(h => h.ServesModel).ThenBy(h => h.IsPortal).ThenBy(h => h.Host, StringComparer.Ordinal)
            .Take(MaxHosts)
            .ToList();
        return new ResourceView(range.BucketStarts(), hosts, sampler.Latest);
    }


    private static double?[] Averages(double[] sums, long[] counts) =>
        [.. sums.Zip(counts, (s, n) => PredictionStats.Ratio(s, n))];
}
