using System.Diagnostics;
using System.Globalization;

namespace Portal.Benchmarks.Fleet;

/// <summary>
/// Many models at once (issue #20): the real portal (Release, SQLite, or PostgreSQL with one or two nodes) with
/// <see cref="FleetOptions.Models"/> models of 20 features, each with a reference, three alert rules and an SLO; then,
/// for <see cref="FleetOptions.Minutes"/> minutes, open-loop prediction traffic spread over the models with labels
/// for a share of it later, every recurring job on its schedule, and headless browsers going between the models list
/// and model tabs. The same with one model alone, at the same offered rate, is the baseline in the same run.
/// The portal is restarted after the set-up so the quality job's quarter-hour tick and every model's hourly drift
/// run fall inside the measured minutes, one minute apart (their backlogs meet, as at the top of an hour).
/// </summary>
public static class FleetBenchmark
{
    private sealed record Scenario(
        int Models, double SetupSeconds, FleetTraffic.Result Traffic, FleetBrowsers.Result Browsers,
        IReadOnlyList<FleetJobs.Lag> Jobs, IReadOnlyList<FleetSampler.Sample> Samples, FleetServerTimes ListServerTimes);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = FleetOptions.Parse(args);
        Console.WriteLine($"Fleet benchmark: {Environment.ProcessorCount} cores, load average {MachineLoad.Average()}; {options.Describe()}");
        var fleet = await RunScenarioAsync(options, options.Models, options.Minutes);
        var alone = options.BaselineMinutes > 0 ? await RunScenarioAsync(options, 1, options.BaselineMinutes) : null;
        Report(options, fleet, alone);
        return 0;
    }

    private static async Task<Scenario> RunScenarioAsync(FleetOptions options, int models, int minutes)
    {
        Console.WriteLine($"{models:N0} model(s), {minutes} min:");
        await using var portal = await FleetPortal.CreateAsync(options);
        await portal.StartNodesAsync("*/15 * * * *");
        var setup = Stopwatch.StartNew();
        await portal.SetUpAsync(options, models);
        setup.Stop();
        await portal.StopNodesAsync();

        var restart = DateTime.UtcNow;
        var qualityOffset = Math.Clamp((minutes / 2) - 1, 1, 4);
        var qualityCron = $"{(restart.Minute + qualityOffset) % 15}/15 * * * *";
        var driftMinute = (restart.Minute + qualityOffset + 1) % 60;
        await portal.StartNodesAsync(qualityCron);
        await portal.ScheduleDriftAsync(options, models, driftMinute);
        Console.WriteLine($"  restarted; quality job on '{qualityCron}', drift at minute {driftMinute}");

        var itemsPerRequest = Math.Clamp((int)Math.Round((double)options.Rate * options.BatchSeconds / models), 1, FleetOptions.MaxRequestItems);
        var bodies = new FleetBodies(itemsPerRequest, options.LabelPercent);
        var duration = TimeSpan.FromMinutes(minutes);
        using var stop = new CancellationTokenSource();
        var sampler = new FleetSampler(portal, TimeSpan.FromSeconds(15));
        var sampling = sampler.RunAsync(stop.Token);
        var from = DateTime.UtcNow;
        var browsing = FleetBrowsers.RunAsync(portal, options.Browsers, models, duration);
        var traffic = await new FleetTraffic(portal, options, models, bodies).RunAsync(duration);
        var browsers = await browsing;
        var to = DateTime.UtcNow;
        await stop.CancelAsync();
        await sampling;
        var jobs = await FleetJobs.MeasureAsync(portal.Clients[0],
        [
            new("alerts", "*/30 * * * * *", Seconds: true, RunsPerTick: 1),
            new("slo", "*/5 * * * *", Seconds: false, RunsPerTick: models),
            new("quality", qualityCron, Seconds: false, RunsPerTick: models),
            new("drift", $"{driftMinute} * * * *", Seconds: false, RunsPerTick: models),
        ], from, to);
        var listServerTimes = await FleetServerTimes.ReadAsync(portal.Clients, Portal.Web.Features.Models.ModelsListMetrics.Name);
        Console.WriteLine($"  {traffic.AcceptedRate:N0}/s acknowledged of {traffic.OfferedRate:N0}/s offered, p99 {traffic.Latency.P99:F0} ms; {browsers.Loads} page loads ({browsers.Timeouts} timed out)");
        return new Scenario(models, setup.Elapsed.TotalSeconds, traffic, browsers, jobs, sampler.Samples, listServerTimes);
    }

    private static void Report(FleetOptions options, Scenario fleet, Scenario? alone)
    {
        string Both(Func<Scenario, string> value) => $"{value(fleet)} | {(alone is null ? "—" : value(alone))}";
        var n = $"{fleet.Models:N0} models";
        Console.WriteLine();
        Console.WriteLine($"Fleet: {options.Describe()}; load average at the end {MachineLoad.Average()}");
        Console.WriteLine();
        Console.WriteLine($"| measure | {n} | 1 model |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| set-up (models, references, rules, SLOs) | {Both(s => $"{s.SetupSeconds:F0} s")} |");
        Console.WriteLine($"| predictions offered per s / acknowledged per s until the last answer | {Both(s => $"{s.Traffic.OfferedRate:N0} / {s.Traffic.AcceptedRate:N0}")} |");
        Console.WriteLine($"| acknowledged / offered | {Both(s => $"{s.Traffic.Accepted / (double)s.Traffic.Offered:F2}")} |");
        Console.WriteLine($"| acknowledgement p50 / p95 / p99 / max (from the time due) | {Both(s => s.Traffic.Latency.Format())} |");
        Console.WriteLine($"| last answer, minutes after the start (offered for {options.Minutes}) | {Both(s => $"{s.Traffic.Seconds / 60:F1}")} |");
        Console.WriteLine($"| requests (items each) / errors / 429 | {Both(s => $"{s.Traffic.Requests:N0} ({s.Traffic.Offered / Math.Max(1, s.Traffic.Requests):N0}) / {s.Traffic.Errors} / {s.Traffic.Throttled}")} |");
        Console.WriteLine($"| labels offered / acknowledged, request p99 | {Both(s => $"{s.Traffic.LabelsOffered:N0} / {s.Traffic.LabelsAccepted:N0}, {s.Traffic.LabelLatency.P99:F0} ms")} |");
        Console.WriteLine($"| acknowledged per minute of the answer (/s) | {Both(s => string.Join(" ", s.Traffic.AcceptedPerMinute.Select(m => (m / 60.0).ToString("N0", CultureInfo.InvariantCulture))))} |");
        Console.WriteLine($"| models list load p50 / p95 / p99 / max | {Both(s => s.Browsers.List.Format())} |");
        Console.WriteLine($"| models list server time ({Portal.Web.Features.Models.ModelsListMetrics.Name}) | {Both(s => s.ListServerTimes.Format())} |");
        Console.WriteLine($"| model tab load p50 / p95 / p99 / max | {Both(s => s.Browsers.Tab.Format())} |");
        Console.WriteLine($"| page loads / timed out (60 s) | {Both(s => $"{s.Browsers.Loads} / {s.Browsers.Timeouts}")} |");
        Console.WriteLine($"| live update, POST → page p50 / p95 / p99 / max | {Both(s => s.Browsers.Live.Format())} |");
        foreach (var type in fleet.Jobs.Select(j => j.Type))
        {
            string Lag(Scenario s) => s.Jobs.FirstOrDefault(j => j.Type == type) is { } j
                ? $"{j.Finished:N0} of {j.Due:N0} due ({j.Failed} failed); lag {j.LagSeconds.Format("s")}; first / last ticks p95 {j.FirstTicksP95:F0} / {j.LastTicksP95:F0} s (interval {j.IntervalSeconds:F0} s); run {j.DurationMs.P50:F0} / {j.DurationMs.P95:F0} ms"
                : "—";
            Console.WriteLine($"| {type} jobs: finished of due; lag p50 / p95 / p99 / max | {Both(Lag)} |");
            string Nodes(Scenario s) => s.Jobs.FirstOrDefault(j => j.Type == type) is { } j
                ? $"{string.Join(", ", j.ByNode.Select(n => $"{n.Key} {n.Value:N0}"))}; run twice: {j.Repeated}"
                : "—";
            Console.WriteLine($"| {type} jobs: runs per node; runs of one model and tick beyond the first | {Both(Nodes)} |");
        }

        Console.WriteLine($"| portal CPU, mean of the run (% of one core) | {Both(s => $"{Mean(s.Samples, x => x.CpuPercent):F0} %")} |");
        Console.WriteLine($"| working set: first half / last half / max | {Both(s => Halves(s.Samples, x => x.WorkingSetMb, "MB"))} |");
        Console.WriteLine($"| managed heap: first half / last half / max | {Both(s => Halves(s.Samples, x => x.GcHeapMb, "MB"))} |");
        if (fleet.Browsers.FirstError is { } error)
        {
            Console.WriteLine($"first browser error: {error}");
        }

        Console.WriteLine();
        Console.WriteLine("Node 1 over the fleet run (every 15 s): minute, CPU % of one core, working set MB, managed heap MB");
        foreach (var sample in fleet.Samples.Where(s => s.Node == 0))
        {
            Console.WriteLine(FormattableString.Invariant($"  {sample.Seconds / 60:F2} {sample.CpuPercent:F0} {sample.WorkingSetMb:F0} {sample.GcHeapMb:F0}"));
        }
    }

    private static double Mean(IEnumerable<FleetSampler.Sample> samples, Func<FleetSampler.Sample, double> value) =>
        samples.Select(value).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();

    private static string Halves(IReadOnlyList<FleetSampler.Sample> samples, Func<FleetSampler.Sample, double> value, string unit)
    {
        var values = samples.Select(value).Where(double.IsFinite).ToList();
        if (values.Count == 0)
        {
            return "—";
        }

        var half = values.Count / 2;
        return FormattableString.Invariant($"{values.Take(Math.Max(1, half)).Average():F0} / {values.Skip(half).Average():F0} / {values.Max():F0} {unit}");
    }

}
