using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Rollups;
using Prometheus;

namespace Portal.Web.Features.Metrics;

/// <summary>Configuration of <c>GET /metrics</c> (section <c>Portal:Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Portal:Metrics";

    /// <summary>Require an API key (any valid key) to scrape; off by default so Prometheus can scrape without one.</summary>
    public bool RequireApiKey { get; set; }

    /// <summary>A scrape reads the database at most this often; scrapes in between answer the last figures.</summary>
    public int RefreshSeconds { get; set; } = 10;

    /// <summary>Rollup minutes read for the counters and histograms (late data older than this is not counted).</summary>
    public int LookbackHours { get; set; } = 48;
}

/// <summary>
/// The ml_* metrics of API.md on a registry of their own (nothing else is exposed), fed from the rollups and job
/// results when Prometheus scrapes — at most once per <see cref="MetricsOptions.RefreshSeconds"/>, so scrapes stay cheap.
/// Counters and histograms grow by what each rollup minute gained since the last refresh (minutes are re-read while
/// they are within the lookback, so late data is counted); gauges are set to the latest job results.
/// </summary>
public sealed class PortalMetrics
{
    private static readonly string[] ModelLabel = ["model_name"];

    /// <summary>Upper bounds of <c>ml_request_duration_seconds</c> (the SLO rules export reads them too).</summary>
    public static readonly double[] LatencyBucketsSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly IServiceScopeFactory scopes;
    private readonly MetricsOptions options;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly SeenMinutes<PredictionRollup?> seen = new();
    private readonly SeenMinutes<(long Labelled, long Correct)> seenLabels = new();
    private readonly Counter requests;
    private readonly Counter errors;
    private readonly Counter labelled;
    private readonly Counter correct;
    private readonly Histogram duration;
    private readonly Histogram confidence;
    private readonly Gauge byClass;
    private readonly Gauge driftScore;
    private readonly Gauge conceptPsi;
    private readonly Gauge accuracy;
    private readonly Gauge sloCompliance;
    private DateTimeOffset lastRefresh = DateTimeOffset.MinValue;

    public PortalMetrics(IServiceScopeFactory scopes, IOptions<MetricsOptions> options, TimeProvider time)
    {
        this.scopes = scopes;
        this.options = options.Value;
        this.time = time;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        // The process's own figures (CPU, working set, managed heap, GC counts): what every .NET exporter serves.
        Prometheus.DotNetStats.Register(Registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        requests = factory.CreateCounter("ml_requests_total", "Predictions received, by model.", ModelLabel);
        errors = factory.CreateCounter("ml_errors_total", "Predictions that reported an inference error, by model.", ModelLabel);
        labelled = factory.CreateCounter("ml_labelled_predictions_total", "Predictions matched with their label, by model.", ModelLabel);
        correct = factory.CreateCounter("ml_correct_predictions_total", "Labelled predictions whose predicted class was the label, by model.", ModelLabel);
        duration = factory.CreateHistogram("ml_request_duration_seconds", "Inference latency reported with the predictions, in seconds (from the log-bucket rollup histogram, ±2 %).",
            new HistogramConfiguration { LabelNames = ModelLabel, Buckets = LatencyBucketsSeconds });
        confidence = factory.CreateHistogram("ml_prediction_confidence", "Prediction scores (confidence), in 20 bins of 0.05.",
            new HistogramConfiguration { LabelNames = ModelLabel, Buckets = Histogram.LinearBuckets(0.05, 0.05, 20) });
        byClass = factory.CreateGauge("ml_predictions_by_class", "Predictions per predicted class over the last hour.", ["model_name", "class"]);
        driftScore = factory.CreateGauge("ml_data_drift_score", "Latest drift score per feature (the score of the feature's drift test).", ["model_name", "feature_name"]);
        conceptPsi = factory.CreateGauge("ml_concept_drift_psi", "Latest prediction (concept) drift PSI.", ModelLabel);
        accuracy = factory.CreateGauge("ml_model_accuracy", "Accuracy on the predictions labelled in the last 24 hours.", ModelLabel);
        sloCompliance = factory.CreateGauge("ml_slo_compliance_percentage", "Latest SLO compliance in percent.", ["model_name", "slo_name"]);
        Registry.AddBeforeCollectCallback(RefreshAsync);
    }

    public CollectorRegistry Registry { get; }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (now - lastRefresh < TimeSpan.FromSeconds(options.RefreshSeconds))
            {
                return;
            }

            lastRefresh = now;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var models = await db.Models.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.Name, cancellationToken);
            await CountersAsync(db, models, now, cancellationToken);
            await GaugesAsync(db, models, now, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task CountersAsync(PortalDbContext db, Dictionary<int, string> models, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = (now - TimeSpan.FromHours(options.LookbackHours)).ToUnixTimeMilliseconds();
        var rows = await db.PredictionRollups.AsNoTracking().Where(r => r.MinuteMs >= from).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            if (!models.TryGetValue(row.ModelId, out var model))
            {
                continue;
            }

            var before = seen.Swap((row.ModelId, row.Version, row.MinuteMs), row);
            if (before is not null && before.Count == row.Count && before.ScoreCount == row.ScoreCount && before.LatencyCount == row.LatencyCount)
            {
                continue;
            }

            requests.WithLabels(model).Inc(Math.Max(0, row.Count - (before?.Count ?? 0)));
            errors.WithLabels(model).Inc(Math.Max(0, row.Errors - (before?.Errors ?? 0)));
            var latency = LogHistogram.FromJson(row.LatencyBuckets);
            var latencyBefore = LogHistogram.FromJson(before?.LatencyBuckets);
            var latencyChild = duration.WithLabels(model);
            foreach (var (index, count) in latency.Positive)
            {
                var added = count - latencyBefore.Positive.GetValueOrDefault(index);
                if (added > 0)
                {
                    latencyChild.Observe(LogHistogram.ValueOf(index) / 1000, added);
                }
            }

            if (latency.Zeros - latencyBefore.Zeros > 0)
            {
                latencyChild.Observe(0, latency.Zeros - latencyBefore.Zeros);
            }

            var bins = ScoreHistogram.FromJson(row.ScoreBins);
            var binsBefore = ScoreHistogram.FromJson(before?.ScoreBins);
            var scoreChild = confidence.WithLabels(model);
            for (var i = 0; i < bins.Length; i++)
            {
                if (bins[i] - binsBefore[i] > 0)
                {
                    scoreChild.Observe((i + 0.5) / ScoreHistogram.Bins, bins[i] - binsBefore[i]);
                }
            }
        }

        seen.ForgetBefore(from);

        await LabelCountersAsync(db, models, from, cancellationToken);
        foreach (var (id, name) in models)
        {
            requests.WithLabels(name); // a model without traffic still shows 0
            errors.WithLabels(name);
            labelled.WithLabels(name);
            correct.WithLabels(name);
        }
    }

    /// <summary>Labelled and correct predictions grow by what each quality rollup minute gained since the last read (accuracy SLOs' events).</summary>
    private async Task LabelCountersAsync(PortalDbContext db, Dictionary<int, string> models, long from, CancellationToken cancellationToken)
    {
        var rows = await db.QualityRollups.AsNoTracking().Where(r => r.MinuteMs >= from)
            .Select(r => new { r.ModelId, r.Version, r.MinuteMs, r.Labelled, r.Correct }).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            if (!models.TryGetValue(row.ModelId, out var model))
            {
                continue;
            }

            var before = seenLabels.Swap((row.ModelId, row.Version, row.MinuteMs), (row.Labelled, row.Correct));
            labelled.WithLabels(model).Inc(Math.Max(0, row.Labelled - before.Labelled));
            correct.WithLabels(model).Inc(Math.Max(0, row.Correct - before.Correct));
        }

        seenLabels.ForgetBefore(from);
    }

    /// <summary>
    /// Each rollup minute as last read, so a counter grows by what the minute gained since (rollup rows are rewritten
    /// as data arrives); minutes older than the lookback are forgotten.
    /// </summary>
    private sealed class SeenMinutes<T>
    {
        private readonly Dictionary<(int Model, string Version, long Minute), T> rows = [];

        /// <summary>Stores <paramref name="row"/> for its minute and returns what was there (default: nothing yet).</summary>
        public T? Swap((int Model, string Version, long Minute) key, T row)
        {
            rows.TryGetValue(key, out var before);
            rows[key] = row;
            return before;
        }

        public void ForgetBefore(long minuteMs)
        {
            foreach (var key in rows.Keys.Where(k => k.Minute < minuteMs).ToList())
            {
                rows.Remove(key);
            }
        }
    }

    private async Task GaugesAsync(PortalDbContext db, Dictionary<int, string> models, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hourAgo = (now - TimeSpan.FromHours(1)).ToUnixTimeMilliseconds();
        var classRows = await db.PredictionRollups.AsNoTracking().Where(r => r.MinuteMs >= hourAgo).Select(r => new { r.ModelId, r.ClassCounts }).ToListAsync(cancellationToken);
        foreach (var labels in byClass.GetAllLabelValues().ToList())
        {
            byClass.RemoveLabelled(labels);
        }

        foreach (var group in classRows.Where(r => models.ContainsKey(r.ModelId)).GroupBy(r => r.ModelId))
        {
            var classes = new Dictionary<string, long>();
            foreach (var row in group)
            {
                TopK.Merge(classes, TopK.FromJson(row.ClassCounts));
            }

            foreach (var (label, count) in classes)
            {
                byClass.WithLabels(models[group.Key], label).Set(count);
            }
        }

        var dayAgo = (now - TimeSpan.FromHours(24)).ToUnixTimeMilliseconds();
        var quality = await db.QualityRollups.AsNoTracking().Where(r => r.MinuteMs >= dayAgo).GroupBy(r => r.ModelId)
            .Select(g => new { ModelId = g.Key, Labelled = g.Sum(r => r.Labelled), Correct = g.Sum(r => r.Correct) }).ToListAsync(cancellationToken);
        foreach (var q in quality.Where(q => q.Labelled > 0 && models.ContainsKey(q.ModelId)))
        {
            accuracy.WithLabels(models[q.ModelId]).Set((double)q.Correct / q.Labelled);
        }

        var latestRuns = await db.DriftRuns.AsNoTracking().Where(r => r.HasVerdict).GroupBy(r => r.ModelId)
            .Select(g => g.OrderByDescending(r => r.At).First()).ToListAsync(cancellationToken);
        foreach (var run in latestRuns.Where(r => models.ContainsKey(r.ModelId)))
        {
            if (run.PredictionPsi is { } psi)
            {
                conceptPsi.WithLabels(models[run.ModelId]).Set(psi);
            }

            var features = await db.DriftFeatureResults.AsNoTracking().Where(f => f.DriftRunId == run.Id && f.Score != null).ToListAsync(cancellationToken);
            foreach (var f in features)
            {
                driftScore.WithLabels(models[run.ModelId], f.Feature).Set(f.Score!.Value);
            }
        }

        var slos = await (from s in db.SloStatuses.AsNoTracking()
                          join d in db.SloDefinitions.AsNoTracking() on s.SloId equals d.Id
                          where s.CompliancePercent != null
                          select new { d.ModelId, d.Name, s.CompliancePercent }).ToListAsync(cancellationToken);
        foreach (var s in slos.Where(s => models.ContainsKey(s.ModelId)))
        {
            sloCompliance.WithLabels(models[s.ModelId], s.Name).Set(s.CompliancePercent!.Value);
        }
    }
}
