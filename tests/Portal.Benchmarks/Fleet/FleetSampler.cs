using System.Diagnostics;
using System.Globalization;

namespace Portal.Benchmarks.Fleet;

/// <summary>
/// Every few seconds, per portal node: its CPU (share of one core since the last sample, from /proc), working set
/// (/proc VmRSS) and managed heap (<c>dotnet_total_memory_bytes</c> on its /metrics).
/// </summary>
internal sealed class FleetSampler(FleetPortal portal, TimeSpan every)
{
    private const double TicksPerSecond = 100;   // USER_HZ on Linux

    public sealed record Sample(double Seconds, int Node, double CpuPercent, double WorkingSetMb, double GcHeapMb);

    public List<Sample> Samples { get; } = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var last = portal.Processes.Select(p => (Cpu: CpuSeconds(p), At: clock.Elapsed.TotalSeconds)).ToArray();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            for (var node = 0; node < portal.Processes.Count; node++)
            {
                var process = portal.Processes[node];
                var cpu = CpuSeconds(process);
                var at = clock.Elapsed.TotalSeconds;
                var share = 100 * (cpu - last[node].Cpu) / (at - last[node].At);
                last[node] = (cpu, at);
                Samples.Add(new Sample(at, node, share, WorkingSetMb(process), await GcHeapMbAsync(portal.Clients[node])));
            }
        }
    }

    private static double CpuSeconds(Process process)
    {
        // Fields after the command name (which may hold spaces): state is field 3, utime 14 and stime 15.
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private static double WorkingSetMb(Process process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static async Task<double> GcHeapMbAsync(HttpClient http)
    {
        try
        {
            var text = await http.GetStringAsync("metrics");
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("dotnet_total_memory_bytes ", StringComparison.Ordinal));
            return line is null ? double.NaN : double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture) / (1024 * 1024);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return double.NaN;
        }
    }
}
