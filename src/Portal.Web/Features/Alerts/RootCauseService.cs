using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Rca;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;
using Portal.Data.Entities.Jobs;
using Portal.Data.Rollups;

namespace Portal.Web.Features.Alerts;

/// <summary>A root-cause finding as the alert page shows it.</summary>
public sealed record RcaView(string PrimaryCause, double Confidence, string Summary, IReadOnlyList<CauseCandidate> Candidates, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<string> Checks);

/// <summary>
/// Root-cause analysis when an alert fires: gathers the evidence signals from what is stored — data drift, prediction
/// and target drift (drift runs), infrastructure (resource rollups, latency), traffic (request rate), the latest model
/// version (first minute it served traffic) and data quality (feature rollups) — ranks them with
/// <see cref="RootCauseRanker"/>, builds the incident timeline with <see cref="TimelineBuilder"/> from stored events,
/// and attaches the finding to the alert. "Now" is the alert's window before it started; the baseline the 24 hours before.
/// </summary>
public sealed class RootCauseService(PortalDbContext db)
{
    public static readonly TimeSpan Baseline = TimeSpan.FromHours(24);
    public static readonly TimeSpan MinimumRecent = TimeSpan.FromMinutes(15);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public async Task<RcaFinding> AttachAsync(AlertRecord alert, AlertRuleEntity rule, MlModel model, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var started = alert.ActiveAt is { } a ? new DateTimeOffset(a) : now;
        var recent = TimeSpan.FromSeconds(Math.Max(rule.WindowSeconds, MinimumRecent.TotalSeconds));
        var checks = new List<string>();
        var input = new RcaInput(
            started,
            DataDrift: await DataDriftAsync(model.Id, started, now, checks, cancellationToken),
            PredictionDrift: await PsiAsync(model.Id, started, now, r => r.PredictionPsi, "prediction drift (PSI of scores)", checks, cancellationToken),
            TargetDrift: await PsiAsync(model.Id, started, now, r => r.TargetPsi, "target drift (PSI of labels)", checks, cancellationToken),
            Infrastructure: await InfrastructureAsync(model.Id, started, now, recent, checks, cancellationToken),
            Traffic: await TrafficAsync(model.Id, started, now, recent, checks, cancellationToken),
            Deployment: await DeploymentAsync(model.Id, started, now, checks, cancellationToken),
            DataQuality: await DataQualityAsync(model.Id, started, now, recent, checks, cancellationToken));
        var result = RootCauseRanker.Rank(input);
        var timeline = TimelineBuilder.Build(await EventsAsync(alert, model.Id, started, now, cancellationToken), started);
        var finding = new RcaFinding
        {
            AlertId = alert.Id,
            At = now.UtcDateTime,
            PrimaryCause = result.PrimaryCause.ToString(),
            Confidence = result.PrimaryConfidence,
            Summary = result.Summary,
            CandidatesJson = JsonSerializer.Serialize(result.Candidates, Json),
            TimelineJson = JsonSerializer.Serialize(timeline, Json),
            ChecksJson = JsonSerializer.Serialize(checks, Json),
        };
        db.RcaFindings.Add(finding);
        await db.SaveChangesAsync(cancellationToken);
        return finding;
    }

    public static RcaView View(RcaFinding f) => new(
        f.PrimaryCause, f.Confidence, f.Summary,
        JsonSerializer.Deserialize<List<CauseCandidate>>(f.CandidatesJson, Json)!,
        JsonSerializer.Deserialize<List<TimelineEntry>>(f.TimelineJson, Json)!,
        JsonSerializer.Deserialize<List<string>>(f.ChecksJson, Json)!);

    private async Task<DataDriftSignal?> DataDriftAsync(int modelId, DateTimeOffset started, DateTimeOffset now, List<string> checks, CancellationToken cancellationToken)
    {
        var runs = await RunsAsync(modelId, started, now, cancellationToken);
        var current = runs.LastOrDefault(r => r.At >= started.UtcDateTime.AddHours(-2));
        if (current is null)
        {
            checks.Add("data drift: no drift run in the 2 hours before the alert");
            return null;
        }

        var before = runs.Where(r => r.At < current.At && r.At < started.UtcDateTime.AddHours(-2)).ToList();
        var baseline = before.Count > 0 ? before.Average(r => r.DriftShare) : 0;
        var top = await db.DriftFeatureResults.AsNoTracking().Where(f => f.DriftRunId == current.Id && f.Drifted)
            .OrderByDescending(f => f.Importance).Take(5).ToListAsync(cancellationToken);
        var firstDrifted = runs.Where(r => r.DatasetDrift && r.At >= started.UtcDateTime.AddHours(-6)).Select(r => (DateTime?)r.At).FirstOrDefault();
        checks.Add($"data drift: run {Before(Offset(current.At)!.Value, started)}, share {current.DriftShare:0.##} against {baseline:0.##}");
        return new DataDriftSignal(new SignalChange(current.DriftShare, baseline),
            top.Select(f => new FeatureDriftScore(f.Feature, f.Score ?? 0, f.Test)).ToList(), Offset(firstDrifted));
    }

    private async Task<PsiSignal?> PsiAsync(int modelId, DateTimeOffset started, DateTimeOffset now, Func<DriftRun, double?> psi, string what, List<string> checks, CancellationToken cancellationToken)
    {
        var runs = (await RunsAsync(modelId, started, now, cancellationToken)).Where(r => psi(r) is not null).ToList();
        var current = runs.LastOrDefault(r => r.At >= started.UtcDateTime.AddHours(-2));
        if (current is null)
        {
            checks.Add($"{what}: no value in the 2 hours before the alert");
            return null;
        }

        var before = runs.Where(r => r.At < started.UtcDateTime.AddHours(-2)).ToList();
        var firstHigh = runs.Where(r => psi(r) >= 0.1 && r.At >= started.UtcDateTime.AddHours(-6)).Select(r => (DateTime?)r.At).FirstOrDefault();
        checks.Add($"{what}: {psi(current):0.###}");
        return new PsiSignal(new SignalChange(psi(current)!.Value, before.Count > 0 ? before.Average(r => psi(r)!.Value) : 0), Offset(firstHigh));
    }

    private Task<List<DriftRun>> RunsAsync(int modelId, DateTimeOffset started, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = (started - Baseline).UtcDateTime;
        var to = now.UtcDateTime;
        return db.DriftRuns.AsNoTracking().Where(r => r.ModelId == modelId && r.HasVerdict && r.At >= from && r.At <= to).OrderBy(r => r.At).ToListAsync(cancellationToken);
    }

    private async Task<InfrastructureSignal?> InfrastructureAsync(int modelId, DateTimeOffset started, DateTimeOffset now, TimeSpan recent, List<string> checks, CancellationToken cancellationToken)
    {
        var (from, split, to) = Range(started, now, recent);
        var resources = await Infrastructure.Rollups.ModelResources.Of(db.ResourceRollups.AsNoTracking(), modelId, from, to).ToListAsync(cancellationToken);
        var predictions = await db.PredictionRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= from && r.MinuteMs <= to && r.LatencyCount > 0).ToListAsync(cancellationToken);

        SignalChange? Resource(Func<ResourceRollup, double> sum, Func<ResourceRollup, long> n)
        {
            double Avg(IEnumerable<ResourceRollup> rows)
            {
                var list = rows.ToList();
                var count = list.Sum(n);
                return count > 0 ? Math.Clamp(list.Sum(sum) / count, 0, 100) : double.NaN;
            }

            var current = Avg(resources.Where(r => r.MinuteMs >= split));
            var baseline = Avg(resources.Where(r => r.MinuteMs < split));
            return double.IsNaN(current) || double.IsNaN(baseline) ? null : new SignalChange(current, baseline);
        }

        double? P95(IEnumerable<PredictionRollup> rows)
        {
            var histogram = new LogHistogram();
            foreach (var row in rows)
            {
                histogram.Merge(LogHistogram.FromJson(row.LatencyBuckets));
            }

            return histogram.Quantile(0.95);
        }

        var cpu = Resource(r => r.CpuSum, r => r.CpuSamples);
        var memory = Resource(r => r.MemoryPercentSum, r => r.MemorySamples);
        var latencyNow = P95(predictions.Where(r => r.MinuteMs >= split));
        var latencyBefore = P95(predictions.Where(r => r.MinuteMs < split));
        var latency = latencyNow is { } ln && latencyBefore is { } lb ? new SignalChange(ln, lb) : null;
        if (cpu is null && memory is null && latency is null)
        {
            checks.Add("infrastructure: no resource samples or latencies before and during the alert");
            return null;
        }

        checks.Add($"infrastructure: cpu {Describe(cpu)}, memory {Describe(memory)}, p95 latency {Describe(latency)} ms");
        return new InfrastructureSignal(cpu, memory, latency);
    }

    private async Task<TrafficSignal?> TrafficAsync(int modelId, DateTimeOffset started, DateTimeOffset now, TimeSpan recent, List<string> checks, CancellationToken cancellationToken)
    {
        var (from, split, to) = Range(started, now, recent);
        var rows = await db.PredictionRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= from && r.MinuteMs <= to)
            .GroupBy(r => r.MinuteMs).Select(g => new { Minute = g.Key, Count = g.Sum(r => r.Count) }).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            checks.Add("traffic: no predictions in the last 24 hours");
            return null;
        }

        // Per minute of the span the model had traffic in: a model that started serving an hour ago has an hour of baseline.
        var first = rows.Min(r => r.Minute);
        if (first >= split)
        {
            checks.Add("traffic: no traffic before the alert window to compare with");
            return null;
        }

        var currentMinutes = Math.Max(1, (to - Math.Max(split, first)) / 60_000.0);
        var baselineMinutes = Math.Max(1, (split - Math.Max(from, first)) / 60_000.0);
        var current = rows.Where(r => r.Minute >= split).Sum(r => r.Count) / currentMinutes;
        var baseline = rows.Where(r => r.Minute < split).Sum(r => r.Count) / baselineMinutes;
        checks.Add($"traffic: {current:0.#}/min against {baseline:0.#}/min");
        return new TrafficSignal(new SignalChange(current, baseline));
    }

    /// <summary>The newest version and when it first served traffic (its first rollup minute; else when it was registered).</summary>
    private async Task<DeploymentSignal?> DeploymentAsync(int modelId, DateTimeOffset alertAt, DateTimeOffset now, List<string> checks, CancellationToken cancellationToken)
    {
        var versions = await VersionStartsAsync(modelId, now, cancellationToken);
        if (versions.Count == 0)
        {
            checks.Add("model version: no version named in the last 7 days");
            return null;
        }

        var latest = versions[^1];
        var sibling = versions.FirstOrDefault(v => v.Version != latest.Version && v.At == latest.At).Version;
        if (sibling is not null)
        {
            // Versions that started serving in the same minute were there together from the start (a split, or the
            // first data): neither replaced the other, so neither is a change to blame.
            checks.Add($"model version: {latest.Version} and {sibling} both first served {Before(latest.At, alertAt)}; no version change");
            return null;
        }

        checks.Add($"model version: {latest.Version} first served {Before(latest.At, alertAt)}");
        return new DeploymentSignal(latest.Version, latest.At, versions.Count > 1 ? versions[^2].Version : null);
    }

    private Task<List<(string Version, DateTimeOffset At)>> VersionStartsAsync(int modelId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Infrastructure.Rollups.ModelVersionStarts.LoadAsync(db, modelId, now - TimeSpan.FromDays(7), now, cancellationToken);

    private async Task<DataQualitySignal?> DataQualityAsync(int modelId, DateTimeOffset started, DateTimeOffset now, TimeSpan recent, List<string> checks, CancellationToken cancellationToken)
    {
        var (from, split, to) = Range(started, now, recent);
        var rows = await db.FeatureRollups.AsNoTracking().Where(r => r.ModelId == modelId && r.MinuteMs >= from && r.MinuteMs <= to)
            .GroupBy(r => r.MinuteMs >= split)
            .Select(g => new { Recent = g.Key, Count = g.Sum(r => r.Count), Missing = g.Sum(r => r.Missing), OutOfRange = g.Sum(r => r.OutOfRange), New = g.Sum(r => r.NewCategories) })
            .ToListAsync(cancellationToken);
        var current = rows.FirstOrDefault(r => r.Recent);
        var baseline = rows.FirstOrDefault(r => !r.Recent);
        if (current is null || baseline is null || current.Count + current.Missing == 0 || baseline.Count + baseline.Missing == 0)
        {
            checks.Add("data quality: no feature rollups before and during the alert");
            return null;
        }

        static double Rate(long part, long whole) => whole > 0 ? Math.Clamp((double)part / whole, 0, 1) : 0;
        var missing = new SignalChange(Rate(current.Missing, current.Count + current.Missing), Rate(baseline.Missing, baseline.Count + baseline.Missing));
        var outOfRange = new SignalChange(Rate(current.OutOfRange, current.Count), Rate(baseline.OutOfRange, baseline.Count));
        var newCategories = new SignalChange(Rate(current.New, current.Count), Rate(baseline.New, baseline.Count));
        checks.Add($"data quality: missing {missing.Current:P1} against {missing.Baseline:P1}, out of range {outOfRange.Current:P1} against {outOfRange.Baseline:P1}");
        return new DataQualitySignal(missing, outOfRange, newCategories);
    }

    /// <summary>Deployments, drift detections, failed jobs and the alert's own history and acknowledgements.</summary>
    private async Task<List<TimelineEvent>> EventsAsync(AlertRecord alert, int modelId, DateTimeOffset started, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var events = new List<TimelineEvent>();
        var from = started - Baseline;
        foreach (var (version, at) in await VersionStartsAsync(modelId, now, cancellationToken))
        {
            if (at >= from)
            {
                events.Add(new TimelineEvent(at, TimelineEventKind.VersionDeployed, $"Version {version} started serving"));
            }
        }

        foreach (var run in (await RunsAsync(modelId, started, now, cancellationToken)).Where(r => r.DatasetDrift))
        {
            events.Add(new TimelineEvent(Offset(run.At)!.Value, TimelineEventKind.DriftDetected,
                $"Dataset drift: {run.DriftedFeatures} of {run.Features} features drifted", $"severity {run.Severity}, baseline {run.Baseline}"));
        }

        var failed = await db.JobRuns.AsNoTracking().Where(j => j.ModelId == modelId && j.Outcome == JobOutcome.Failed && j.StartedAt >= from.UtcDateTime && j.StartedAt <= now.UtcDateTime)
            .OrderBy(j => j.StartedAt).Take(20).ToListAsync(cancellationToken);
        events.AddRange(failed.Select(j => new TimelineEvent(Offset(j.StartedAt)!.Value, TimelineEventKind.Note, $"{j.JobType} job failed", j.Error)));

        var history = alert.History.Count > 0 ? alert.History : await db.AlertStateChanges.AsNoTracking().Where(h => h.AlertId == alert.Id).ToListAsync(cancellationToken);
        foreach (var change in history)
        {
            var kind = change.To switch
            {
                "Pending" => TimelineEventKind.AlertPending,
                "Firing" => TimelineEventKind.AlertFiring,
                "Resolved" => TimelineEventKind.AlertResolved,
                _ => TimelineEventKind.Note,
            };
            events.Add(new TimelineEvent(Offset(change.At)!.Value, kind, $"Alert {change.From.ToLowerInvariant()} → {change.To.ToLowerInvariant()}", change.Reason));
        }

        return events;
    }

    private static (long From, long Split, long To) Range(DateTimeOffset started, DateTimeOffset now, TimeSpan recent)
    {
        var split = (started - recent).ToUnixTimeMilliseconds();
        return ((started - Baseline).ToUnixTimeMilliseconds(), split, now.ToUnixTimeMilliseconds());
    }

    /// <summary>
    /// When something happened, relative to the alert ("14m 33s before the alert"): the checks are stored text, so an
    /// absolute time could not be shown in the reader's zone like every other time on the alert page.
    /// </summary>
    private static string Before(DateTimeOffset at, DateTimeOffset alertAt) => at <= alertAt
        ? $"{Infrastructure.Display.TimeText.Duration(alertAt - at)} before the alert"
        : $"{Infrastructure.Display.TimeText.Duration(at - alertAt)} after the alert started";

    private static string Describe(SignalChange? change) => change is null ? "n/a" : $"{change.Current:0.#} against {change.Baseline:0.#}";

    private static DateTimeOffset? Offset(DateTime? t) => t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
