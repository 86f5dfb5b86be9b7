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
}

/// <summary>
/// Sends demo traffic through a <see cref="PortalClient"/>: predictions of the four <see cref="Models"/> at a steady
/// rate, their labels after a delay (joined by predictionId), and a resource sample per serving host every 10 s.
/// Feature drift grows with the hours since the simulator started.
/// </summary>
public sealed class TrafficSimulator(PortalClient client, SimulatorOptions options)
{
    private const int MaxPendingLabels = 200_000;

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
            var driftHours = (now - started).TotalHours * options.DriftSpeed;
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
                    client.EnqueueResource(new ResourceSample
                    {
                        Host = model.Host,
                        Model = model.Name,
                        Timestamp = now,
                        CpuPercent = Math.Round(Math.Clamp(35 + (random.NextDouble() * 30) + (5 * driftHours), 0, 100), 1),
                        MemoryBytes = 2_000_000_000L + random.Next(0, 400_000_000),
                        MemoryPercent = Math.Round(45 + (random.NextDouble() * 10), 1),
                        GpuPercent = model is FraudModel ? Math.Round(50 + (random.NextDouble() * 30), 1) : null,
                        GpuMemoryBytes = model is FraudModel ? 6_000_000_000L : null,
                    });
                }
            }
        }
    }
}
