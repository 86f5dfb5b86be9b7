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

    public override (PredictionEvent, object) Next(Random r, string id, DateTimeOffset now, double h)
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
        var v2 = r.NextDouble() < 0.2;
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
            Experiment = new ExperimentAssignment("fraud-v2-rollout", v2 ? "treatment" : "control"),
            Error = failed ? "timeout" : null,
        }, label);
    }
}

/// <summary>
/// Churn classifier: subscription customers. Drift: more support tickets, more month-to-month contracts, and monthly
/// charges that no longer follow tenure (long-standing customers used to pay more; new price plans break that link
/// within about four drift hours while each feature's own distribution barely moves: multivariate drift).
/// </summary>
public sealed class ChurnModel : DemoModel
{
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
        ],
    };

    public override TimeSpan LabelDelay(Random random) => TimeSpan.FromSeconds(120 + random.Next(480));

    public override (PredictionEvent, object) Next(Random r, string id, DateTimeOffset now, double h)
    {
        var tenure = (double)r.Next(0, 73);
        var link = 0.8 * Math.Max(0, 1 - (h / 4)); // correlation of charges with tenure
        var charges = Round(Math.Clamp(65 + (25 * ((link * (tenure - 36) / 21) + (Math.Sqrt(1 - (link * link)) * Normal(r, 0, 1)))), 15, 250));
        var tickets = (double)Poisson(r, 1.0 + (0.4 * h));
        var contract = Pick(r, ("month-to-month", 55 + (5 * h)), ("one-year", 25), ("two-year", 20));
        var known = -1.0 - (0.04 * tenure) + (0.015 * (charges - 65)) + (0.45 * tickets) + (contract == "month-to-month" ? 1.3 : contract == "one-year" ? 0.2 : -0.8);
        var truth = Sigmoid(known);
        var score = Round(Sigmoid(known + Normal(r, 0, 0.7)), 4);
        return (new PredictionEvent
        {
            PredictionId = id,
            Timestamp = now,
            ModelVersion = "v3",
            Features = new Dictionary<string, object?>
            {
                ["tenure_months"] = tenure, ["monthly_charges"] = charges, ["support_tickets"] = tickets,
                ["contract"] = r.NextDouble() < 0.01 ? null : contract,
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

    public override (PredictionEvent, object) Next(Random r, string id, DateTimeOffset now, double h)
    {
        var temperature = Round(Normal(r, 15 + (0.8 * h), 7), 1);
        var humidity = Round(Math.Clamp(Normal(r, 60 - (2 * h), 15), 5, 100), 1);
        var hour = (double)r.Next(24);
        var weekday = Days[r.Next(7)];
        var weather = Pick(r, ("clear", 50 + (4 * h)), ("cloudy", 30), ("rain", Math.Max(2, 20 - (2 * h))));
        var rush = hour is 8 or 17 or 18 ? 45 : hour is >= 7 and <= 20 ? 15 : 0;
        var known = 40 + (2.5 * temperature) - (0.25 * humidity) + rush - (weather == "rain" ? 30 : 0) + (weekday is "sat" or "sun" ? 10 : 0);
        var truth = Math.Max(0, known - (temperature > 28 ? 3 * (temperature - 28) : 0) + Normal(r, 0, 8));
        var v2 = r.NextDouble() < 0.5;
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
