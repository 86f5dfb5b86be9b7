namespace Portal.Client.Simulation;

/// <summary>
/// Fraud classifier: card transactions. Drift: amounts and distances grow, gaming and travel merchants gain share,
/// and fraud moves towards travel (concept drift the model does not know about). v2 is a sharper model on a
/// 20 % rollout experiment.
/// </summary>
public sealed class FraudModel : DemoModel
{
    public override string Name => "fraud-detector";

    public override ModelDefinition Definition { get; } = new()
    {
        TaskType = "binary",
        Description = "Card-transaction fraud classifier (demo traffic).",
        Owner = "demo",
        Versions = ["v1", "v2"],
        Features =
        [
            new() { Name = "amount", Type = "numerical", Min = 0, Max = 20_000, Importance = 0.35 },
            new() { Name = "distance_km", Type = "numerical", Min = 0, Max = 5_000, Importance = 0.2 },
            new() { Name = "hour", Type = "numerical", Min = 0, Max = 23, Importance = 0.1 },
            new() { Name = "account_age_days", Type = "numerical", Min = 0, Max = 10_000, Importance = 0.1 },
            new() { Name = "merchant_category", Type = "categorical", Categories = ["grocery", "fashion", "electronics", "travel", "gaming"], Importance = 0.2 },
            new() { Name = "card_present", Type = "categorical", Categories = ["true", "false"], Importance = 0.05 },
        ],
    };

    public override TimeSpan LabelDelay(Random random) => TimeSpan.FromSeconds(60 + random.Next(240));

    public override (PredictionEvent, object) Next(Random r, string id, DateTimeOffset now, double h, double? newVersionShare = null)
    {
        var amount = Round(LogNormal(r, 3.6 + (0.12 * h), 1.0));
        var distance = Round(Exponential(r, 12 * (1 + (0.1 * h))));
        var hour = (double)r.Next(24);
        var age = (double)r.Next(1, 3650);
        var merchant = Pick(r, ("grocery", 40), ("fashion", 20), ("electronics", 15), ("travel", 10 + (2 * h)), ("gaming", 15 + (3 * h)));
        var cardPresent = r.NextDouble() < 0.6 ? "true" : "false";
        var known = -4.2 + (0.7 * (Math.Log(amount + 1) - 3.6)) + (0.02 * distance) + (merchant is "electronics" or "gaming" ? 1.1 : 0)
            - (cardPresent == "true" ? 1.2 : 0) + (hour < 5 ? 0.6 : 0) - (age / 3650);
        var truth = Sigmoid(known + (merchant == "travel" ? 0.5 * h : 0));
        var v2 = r.NextDouble() < (newVersionShare ?? 0.2);
        var score = Round(Sigmoid(known + Normal(r, 0, v2 ? 0.35 : 0.6)), 4);
        var label = r.NextDouble() < truth ? 1 : 0;
        var failed = r.NextDouble() < 0.004;
        return (new PredictionEvent
        {
            PredictionId = id,
            Timestamp = now,
            ModelVersion = v2 ? "v2" : "v1",
            Features = new Dictionary<string, object?>
            {
                ["amount"] = amount, ["distance_km"] = distance, ["hour"] = hour, ["account_age_days"] = r.NextDouble() < 0.02 ? null : age,
                ["merchant_category"] = merchant, ["card_present"] = cardPresent,
            },
            Prediction = failed ? null : score >= 0.5 ? 1 : 0,
            Score = failed ? null : score,
            LatencyMs = Latency(r, v2 ? 18 : 12),
            Segment = cardPresent == "true" ? "pos" : r.NextDouble() < 0.5 ? "web" : "mobile",
            Experiment = newVersionShare is 0 ? null : new ExperimentAssignment("fraud-v2-rollout", v2 ? "treatment" : "control"),
            Error = failed ? "timeout" : null,
        }, label);
    }
}

/// <summary>
/// Churn classifier: subscription customers. Drift: more support tickets, more month-to-month contracts, monthly
/// charges that no longer follow tenure (long-standing customers used to pay more; new price plans break that link
/// within about four drift hours while each feature's own distribution barely moves: multivariate drift), and a sudden
/// support-ticket surge <see cref="SurgeAfterHours"/> drift hours after the start (an abrupt shift of the mean score
/// that the streaming detectors report as "possible drift" within minutes of a demo start).
/// </summary>
public sealed class ChurnModel : DemoModel
{
    /// <summary>3 minutes at drift speed 1.</summary>
    public const double SurgeAfterHours = 0.05;

    public override string Name => "churn-predictor";

    public override ModelDefinition Definition { get; } = new()
    {
        TaskType = "binary",
        Description = "Subscription churn classifier (demo traffic).",
        Owner = "demo",
        Versions = ["v3"],
        Features =
        [
            new() { Name = "tenure_months", Type = "numerical", Min = 0, Max = 120, Importance = 0.3 },
            new() { Name = "monthly_charges", Type = "numerical", Min = 0, Max = 300, Importance = 0.2 },
            new() { Name = "support_tickets", Type = "numerical", Min = 0, Max = 50, Importance = 0.25 },
            new() { Name = "contract", Type = "categorical", Categories = ["month-to-month", "one-year", "two-year"], Importance = 0.25 },
            new() { Name = "age_band", Type = "categorical", Categories = ["18-29", "30-49", "50+"], Importance = 0.05 },
        ],
    };

    public override TimeSpan LabelDelay(Random random) => TimeSpan.FromSeconds(120 + random.Next(480));

    public override (PredictionEvent, object) Next(Random r, string id, DateTimeOffset now, double h, double? newVersionShare = null)
    {
        var tenure = (double)r.Next(0, 73);
        var link = 0.8 * Math.Max(0, 1 - (h / 4)); // correlation of charges with tenure
        var charges = Round(Math.Clamp(65 + (25 * ((link * (tenure - 36) / 21) + (Math.Sqrt(1 - (link * link)) * Normal(r, 0, 1)))), 15, 250));
        var tickets = (double)Poisson(r, 1.0 + (0.4 * h) + (h >= SurgeAfterHours ? 2.5 : 0));
        var contract = Pick(r, ("month-to-month", 55 + (5 * h)), ("one-year", 25), ("two-year", 20));
        var known = -1.0 - (0.04 * tenure) + (0.015 * (charges - 65)) + (0.45 * tickets) + (contract == "month-to-month" ? 1.3 : contract == "one-year" ? 0.2 : -0.8);
        var truth = Sigmoid(known);

        // The fairness demo: the model over-predicts churn for young customers (age does not change the truth), so their
        // selection and false-positive rates are higher than the others' (disparity ratios below 0.8).
        var age = Pick(r, ("18-29", 30), ("30-49", 45), ("50+", 25));
        var score = Round(Sigmoid(known + (age == "18-29" ? 1.2 : 0) + Normal(r, 0, 0.7)), 4);
        return (new PredictionEvent
        {
            PredictionId = id,
            Timestamp = now,
            ModelVersion = "v3",
            Features = new Dictionary<string, object?>
            {
                ["tenure_months"] = tenure, ["monthly_charges"] = charges, ["support_tickets"] = tickets,
                ["contract"] = r.NextDouble() < 0.01 ? null : contract,
                ["age_band"] = age,
            },
            Prediction = score >= 0.5 ? 1 : 0,
            Score = score,
            LatencyMs = Latency(r, 6),
            Segment = charges > 80 ? "pro" : "free",
        }, r.NextDouble() < truth ? 1 : 0);
    }
}

/// <summary>Bike-demand regressor: rentals per station-hour. Drift: it gets warmer and drier hour by hour.</summary>
public sealed class BikeDemandModel : DemoModel
{
    public override string Name => "bike-demand";

    public override ModelDefinition Definition { get; } = new()
    {
        TaskType = "regression",
        Description = "Bike rentals per station and hour (demo traffic).",
        Owner = "demo",
        Versions = ["v1", "v2"],
        Features =
        [
            new() { Name = "temperature_c", Type = "numerical", Min = -20, Max = 45, Importance = 0.35 },
            new() { Name = "humidity", Type = "numerical", Min = 0, Max = 100, Importance = 0.15 },
            new() { Name = "hour", Type = "numerical", Min = 0, Max = 23, Importance = 0.3 },
            new() { Name = "weekday", Type = "categorical", Categories = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], Importance = 0.1 },
            new() { Name = "weather", Type = "categorical", Categories = ["clear", "cloudy", "rain"], Importance = 0.1 },
        ],
    };

    private static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    public override TimeSpan LabelDelay(Random random) => TimeSpan.FromSeconds(30 + random.Next(90));

    public override (PredictionEvent, object) Next(Random r, string id, DateTimeOffset now, double h, double? newVersionShare = null)
    {
        var temperature = Round(Normal(r, 15 + (0.8 * h), 7), 1);
        var humidity = Round(Math.Clamp(Normal(r, 60 - (2 * h), 15), 5, 100), 1);
        var hour = (double)r.Next(24);
        var weekday = Days[r.Next(7)];
        var weather = Pick(r, ("clear", 50 + (4 * h)), ("cloudy", 30), ("rain", Math.Max(2, 20 - (2 * h))));
        var rush = hour is 8 or 17 or 18 ? 45 : hour is >= 7 and <= 20 ? 15 : 0;
        var known = 40 + (2.5 * temperature) - (0.25 * humidity) + rush - (weather == "rain" ? 30 : 0) + (weekday is "sat" or "sun" ? 10 : 0);
        var truth = Math.Max(0, known - (temperature > 28 ? 3 * (temperature - 28) : 0) + Normal(r, 0, 8));
        var v2 = r.NextDouble() < (newVersionShare ?? 0.5);
        var predicted = Round(Math.Max(0, known + Normal(r, 0, v2 ? 5 : 9)), 1);
        return (new PredictionEvent
        {
            PredictionId = id,
            Timestamp = now,
            ModelVersion = v2 ? "v2" : "v1",
            Features = new Dictionary<string, object?>
            {
                ["temperature_c"] = temperature, ["humidity"] = r.NextDouble() < 0.03 ? null : humidity, ["hour"] = hour,
                ["weekday"] = weekday, ["weather"] = weather,
            },
            Prediction = predicted,
            LatencyMs = Latency(r, 25),
            Segment = r.NextDouble() < 0.6 ? "downtown" : "suburb",
        }, Round(truth, 1));
    }
}

/// <summary>
/// Support-ticket router: a multiclass classifier sending tickets to billing, technical, account or sales. Drift: more
/// tickets come by chat and more of them are technical, which the model confuses with account more often.
/// </summary>
public sealed class TicketRouterModel : DemoModel
{
    private static readonly string[] Queues = ["billing", "technical", "account", "sales"];

    public override string Name => "ticket-router";

    public override ModelDefinition Definition { get; } = new()
    {
        TaskType = "multiclass",
        Description = "Support-ticket routing classifier, four queues (demo traffic).",
        Owner = "demo",
        Versions = ["v1"],
        Features =
        [
            new() { Name = "message_length", Type = "numerical", Min = 0, Max = 5_000, Importance = 0.3 },
            new() { Name = "mentions_invoice", Type = "numerical", Min = 0, Max = 1, Importance = 0.3 },
            new() { Name = "channel", Type = "categorical", Categories = ["email", "chat", "phone"], Importance = 0.2 },
            new() { Name = "customer_tier", Type = "categorical", Categories = ["free", "pro", "enterprise"], Importance = 0.2 },
        ],
    };

    public override TimeSpan LabelDelay(Random random) => TimeSpan.FromSeconds(60 + random.Next(300));

    public override (PredictionEvent, object) Next(Random r, string id, DateTimeOffset now, double h, double? newVersionShare = null)
    {
        var channel = Pick(r, ("email", 50), ("chat", 30 + (5 * h)), ("phone", 20));
        var tier = Pick(r, ("free", 50), ("pro", 35), ("enterprise", 15));
        var truth = Pick(r, ("billing", 30), ("technical", 30 + (4 * h)), ("account", 25), ("sales", tier == "free" ? 20 : 10));
        var invoice = truth == "billing" ? (r.NextDouble() < 0.7 ? 1.0 : 0.0) : (r.NextDouble() < 0.1 ? 1.0 : 0.0);
        var length = Round(Math.Clamp(LogNormal(r, Math.Log(truth == "technical" ? 900 : 400), 0.6), 10, 5_000), 0);
        // The model's view of each queue: right most of the time, technical and account blur together on chat.
        var logits = Queues.ToDictionary(q => q, q => (q == truth ? 2.2 : 0) + Normal(r, 0, 0.9)
            + (channel == "chat" && q is "technical" or "account" && truth is "technical" or "account" ? 0.8 + (0.1 * h) : 0));
        var sum = logits.Values.Sum(Math.Exp);
        var probabilities = logits.ToDictionary(p => p.Key, p => Round(Math.Exp(p.Value) / sum, 4));
        var predicted = probabilities.MaxBy(p => p.Value).Key;
        return (new PredictionEvent
        {
            PredictionId = id,
            Timestamp = now,
            ModelVersion = "v1",
            Features = new Dictionary<string, object?>
            {
                ["message_length"] = length, ["mentions_invoice"] = invoice, ["channel"] = channel, ["customer_tier"] = tier,
            },
            Prediction = predicted,
            Probabilities = probabilities,
            LatencyMs = Latency(r, 9),
            Segment = tier,
        }, truth);
    }
}
