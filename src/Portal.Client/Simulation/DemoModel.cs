namespace Portal.Client.Simulation;

/// <summary>
/// A simulated model: its definition for the portal, a feature generator whose distribution drifts as
/// <c>driftHours</c> grows, the true outcome (the label sent later), and the model's own prediction of it.
/// </summary>
public abstract class DemoModel
{
    public abstract string Name { get; }

    public abstract ModelDefinition Definition { get; }

    /// <summary>Serving host name used for resource samples.</summary>
    public string Host => $"{Name}-serving-1";

    /// <summary>How long after the prediction its label arrives (labels in production come days later; compressed here).</summary>
    public abstract TimeSpan LabelDelay(Random random);

    /// <summary>
    /// One prediction with its true label, at <paramref name="driftHours"/> of drift. <paramref name="newVersionShare"/>
    /// is the share of traffic served by the model's newest version (null: the model's usual split; 0 before a rollout).
    /// </summary>
    public abstract (PredictionEvent Prediction, object Label) Next(Random random, string predictionId, DateTimeOffset now, double driftHours, double? newVersionShare = null);

    /// <summary>
    /// Reference (training) data: the features at zero drift, column-wise; for classifiers also the model's
    /// <c>score</c> and the true <c>label</c> (binary ones also their <c>prediction</c>, CBPE's ŷ), so the portal can
    /// estimate performance without labels (CBPE).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<object?>> Reference(Random random, int rows)
    {
        var columns = new Dictionary<string, List<object?>>();
        var classifier = Definition.TaskType != "regression";
        for (var i = 0; i < rows; i++)
        {
            var (prediction, label) = Next(random, $"ref-{i}", DateTimeOffset.UtcNow, 0);
            var values = classifier
                ? prediction.Features!.Append(new("score", prediction.Score)).Append(new("label", label)).Concat(Definition.TaskType == "binary" ? [new("prediction", prediction.Prediction)] : [])
                : prediction.Features!;
            foreach (var (name, value) in values)
            {
                if (!columns.TryGetValue(name, out var column))
                {
                    columns[name] = column = new List<object?>(rows);
                }

                column.Add(value);
            }
        }

        return columns.ToDictionary(c => c.Key, c => (IReadOnlyList<object?>)c.Value);
    }

    protected static double Normal(Random r, double mean, double std) =>
        mean + (std * Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));

    protected static double LogNormal(Random r, double mu, double sigma) => Math.Exp(Normal(r, mu, sigma));

    protected static double Exponential(Random r, double mean) => -mean * Math.Log(1 - r.NextDouble());

    protected static int Poisson(Random r, double lambda)
    {
        var limit = Math.Exp(-lambda);
        var k = 0;
        var p = r.NextDouble();
        while (p > limit)
        {
            k++;
            p *= r.NextDouble();
        }

        return k;
    }

    protected static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Picks from weighted choices (weights need not sum to 1).</summary>
    protected static string Pick(Random r, params (string Value, double Weight)[] choices)
    {
        var total = choices.Sum(c => c.Weight);
        var x = r.NextDouble() * total;
        foreach (var (value, weight) in choices)
        {
            x -= weight;
            if (x <= 0)
            {
                return value;
            }
        }

        return choices[^1].Value;
    }

    protected static double Latency(Random r, double medianMs) => Math.Round(LogNormal(r, Math.Log(medianMs), 0.45), 2);

    protected static double Round(double value, int digits = 2) => Math.Round(value, digits);
}
