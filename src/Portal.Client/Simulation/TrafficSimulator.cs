namespace Portal.Client.Simulation;

public sealed class SimulatorOptions
{
    /// <summary>Predictions per second per demo model.</summary>
    public double RatePerSecond { get; set; } = 20;

    /// <summary>Drift hours per real hour (1 = drift grows with wall-clock hours; larger = faster demo).</summary>
    public double DriftSpeed { get; set; } = 1;

    /// <summary>Rows of each uploaded reference dataset.</summary>
    public int ReferenceRows { get; set; } = 5_000;

    public int Seed { get; set; } = Environment.TickCount;

    /// <summary>Drift hours at the start (the end of a backfilled history, so drift goes on growing from there).</summary>
    public double InitialDriftHours { get; set; }

    /// <summary>
    /// Seconds between two backfilled predictions of one model (history is sampled more thinly than live traffic). Each
    /// falls in a minute of its own, so its cost is its minute's rollup rows: two minutes keep the 7-day charts' buckets
    /// full and the demo experiment past its planned sample at half the cost of one.
    /// </summary>
    public double BackfillIntervalSeconds { get; set; } = 120;
}

/// <summary>
/// Sends demo traffic through a <see cref="PortalClient"/>: predictions of the four <see cref="Models"/> at a steady
/// rate, their labels after a delay (joined by predictionId), and a resource sample per serving host every 10 s.
/// Feature drift grows with the hours since the simulator started.
/// </summary>
public sealed class TrafficSimulator(PortalClient client, SimulatorOptions options)
{
    private const int MaxPendingLabels = 200_000;

    /// <summary>Well under the portal's 10,000 items per request.</summary>
    private const int MaxBackfillBatch = 5_000;

    public static IReadOnlyList<DemoModel> Models { get; } = [new FraudModel(), new ChurnModel(), new BikeDemandModel(), new TicketRouterModel()];

    private readonly Random random = new(options.Seed);

    /// <summary>Creates (or updates) the demo models and, when asked, uploads a reference dataset for each.</summary>
    public async Task SeedAsync(bool uploadReferences, CancellationToken cancellationToken)
    {
        foreach (var model in Models)
        {
            await client.PutModelAsync(model.Name, model.Definition, cancellationToken);
            if (uploadReferences)
            {
                await client.PutReferenceAsync(model.Name, model.Reference(random, options.ReferenceRows), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="history"/> as past traffic, one prediction per model every
    /// <see cref="SimulatorOptions.BackfillIntervalSeconds"/>, through the same API as live traffic (with past timestamps,
    /// so the portal's rollups and jobs treat it as real data): predictions, their labels when they were due before the
    /// end, and a resource sample per host every 5 minutes. The models are sent side by side, a day per request, the
    /// predictions of a day acknowledged (committed) before its labels, so labels never arrive before their predictions.
    /// </summary>
    /// <param name="newestDaySent">Called once every model's newest day is in (the recent windows are full), before the rest is sent.</param>
    public async Task<long> BackfillAsync(DemoHistory history, CancellationToken cancellationToken, Func<Task>? newestDaySent = null)
    {
        var randoms = Models.Select((_, i) => new Random(options.Seed + i + 1)).ToArray();
        var newest = await Task.WhenAll(Models.Select((model, i) => BackfillAsync(model, history, randoms[i], history.End, history.End.AddDays(-1), cancellationToken)));
        if (newestDaySent is not null)
        {
            await newestDaySent();
        }

        var rest = await Task.WhenAll(Models.Select((model, i) => BackfillAsync(model, history, randoms[i], history.End.AddDays(-1), history.Start, cancellationToken)));
        return newest.Sum() + rest.Sum();
    }

    /// <summary>The days ending at <paramref name="from"/> back to <paramref name="to"/>, one at a time, the newest first.</summary>
    private async Task<long> BackfillAsync(DemoModel model, DemoHistory history, Random random, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var step = TimeSpan.FromSeconds(options.BackfillIntervalSeconds);
        var predictions = new List<PredictionEvent>();
        var labels = new List<FeedbackEvent>();
        var resources = new List<ResourceSample>();
        long sent = 0;
        for (var dayEnd = from; dayEnd > to && dayEnd > history.Start; dayEnd = dayEnd.AddDays(-1))
        {
            var dayStart = dayEnd.AddDays(-1) < history.Start ? history.Start : dayEnd.AddDays(-1);
            var nextResource = dayStart;
            var sequence = (long)((dayStart - history.Start) / step);
            for (var at = dayStart; at < dayEnd; at += step)
            {
                var (prediction, label) = model.Next(random, $"history-{model.Name}-{++sequence}", at, history.DriftHoursAt(at), history.NewVersionShare(model, at));
                if (model is FraudModel && history.InIncident(at))
                {
                    prediction = Incident(prediction, random);
                }

                predictions.Add(prediction);
                var labelledAt = at + model.LabelDelay(random);
                if (prediction.Error is null && labelledAt < history.End)
                {
                    labels.Add(new FeedbackEvent { PredictionId = prediction.PredictionId, Label = label, Timestamp = labelledAt });
                }

                if (at >= nextResource)
                {
                    nextResource = at.AddMinutes(5);
                    resources.Add(Resource(model, at, history.DriftHoursAt(at), model is FraudModel && history.InIncident(at), random));
                }

                if (predictions.Count == MaxBackfillBatch)
                {
                    sent += await FlushAsync(model, predictions, labels, resources, cancellationToken);
                }
            }

            sent += await FlushAsync(model, predictions, labels, resources, cancellationToken);
        }

        return sent;
    }

    private async Task<long> FlushAsync(DemoModel model, List<PredictionEvent> predictions, List<FeedbackEvent> labels, List<ResourceSample> resources, CancellationToken cancellationToken)
    {
        var accepted = predictions.Count > 0 ? (await client.SendPredictionsAsync(model.Name, predictions, cancellationToken)).Accepted : 0;
        if (labels.Count > 0)
        {
            await client.SendFeedbackAsync(model.Name, labels, cancellationToken);
        }

        if (resources.Count > 0)
        {
            await client.SendResourcesAsync(resources, cancellationToken);
        }

        predictions.Clear();
        labels.Clear();
        resources.Clear();
        return accepted;
    }

    /// <summary>During the incident a third of the predictions fail with a feature-store timeout and the rest are slow.</summary>
    private static PredictionEvent Incident(PredictionEvent prediction, Random random) => random.NextDouble() < 0.35
        ? prediction with { Error = DemoHistory.IncidentError, Prediction = null, Score = null, LatencyMs = 2_000 + random.Next(1_000) }
        : prediction with { LatencyMs = Math.Round((prediction.LatencyMs ?? 12) * (6 + (4 * random.NextDouble())), 2) };

    private static ResourceSample Resource(DemoModel model, DateTimeOffset at, double driftHours, bool incident, Random random) => new()
    {
        Host = model.Host,
        Model = model.Name,
        Timestamp = at,
        CpuPercent = Math.Round(Math.Clamp(35 + (random.NextDouble() * 30) + (5 * driftHours) + (incident ? 30 : 0), 0, 100), 1),
        MemoryBytes = 2_000_000_000L + random.Next(0, 400_000_000),
        MemoryPercent = Math.Round(45 + (random.NextDouble() * 10), 1),
        GpuPercent = model is FraudModel ? Math.Round(50 + (random.NextDouble() * 30), 1) : null,
        GpuMemoryBytes = model is FraudModel ? 6_000_000_000L : null,
    };

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var labels = new PriorityQueue<(string Model, FeedbackEvent Label), DateTimeOffset>();
        var nextResources = started;
        var last = started;
        var carry = new double[Models.Count];
        var run = started.ToUnixTimeSeconds().ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        long sequence = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var now = DateTimeOffset.UtcNow;
            var seconds = (now - last).TotalSeconds;
            last = now;
            var driftHours = options.InitialDriftHours + ((now - started).TotalHours * options.DriftSpeed);
            for (var m = 0; m < Models.Count; m++)
            {
                var model = Models[m];
                carry[m] += options.RatePerSecond * seconds;
                for (; carry[m] >= 1; carry[m]--)
                {
                    var (prediction, label) = model.Next(random, $"{run}-{++sequence}", now, driftHours);
                    if (client.EnqueuePrediction(model.Name, prediction) && prediction.Error is null && labels.Count < MaxPendingLabels)
                    {
                        labels.Enqueue((model.Name, new FeedbackEvent { PredictionId = prediction.PredictionId, Label = label }), now + model.LabelDelay(random));
                    }
                }
            }

            while (labels.TryPeek(out var due, out var at) && at <= now)
            {
                labels.Dequeue();
                client.EnqueueFeedback(due.Model, due.Label with { Timestamp = now });
            }

            if (now >= nextResources)
            {
                nextResources = now.AddSeconds(10);
                foreach (var model in Models)
                {
                    client.EnqueueResource(Resource(model, now, driftHours, incident: false, random));
                }
            }
        }
    }
}
