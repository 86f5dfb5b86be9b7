using System.Globalization;
using System.Text;

namespace Portal.Benchmarks.Fleet;

/// <summary>
/// Prediction request bodies of each task type (20 standard normal features, like the reference; no timestamp, so the
/// portal stamps them now; 1 % inference errors) and the label bodies for the share of them that gets labelled.
/// Prediction ids are <c>{request number:D9}-{item:D4}</c>, new in every request.
/// </summary>
internal sealed class FleetBodies
{
    private const int TemplatesPerTask = 8;
    private readonly Dictionary<string, IdTemplates> templates = [];
    private readonly int labelPercent;
    private long requests;

    public FleetBodies(int itemsPerRequest, int labelPercent)
    {
        ItemsPerRequest = itemsPerRequest;
        this.labelPercent = labelPercent;
        var random = new Random(2026);
        foreach (var task in new[] { "binary", "regression", "multiclass" })
        {
            var ids = new IdTemplates();
            for (var t = 0; t < TemplatesPerTask; t++)
            {
                ids.Add(Template(task, itemsPerRequest, random));
            }

            templates[task] = ids;
        }
    }

    public int ItemsPerRequest { get; }

    /// <summary>The next request of a model of <paramref name="task"/>, and its number (for its labels).</summary>
    public (byte[] Body, long Number) Next(string task)
    {
        var n = Interlocked.Increment(ref requests);
        return (templates[task].Patch((int)(n % TemplatesPerTask), n), n);
    }

    /// <summary>The labels of request <paramref name="number"/>: items whose index is below the label share of each hundred.</summary>
    public byte[] Labels(string task, long number)
    {
        var json = new StringBuilder("[");
        for (var i = 0; i < ItemsPerRequest; i++)
        {
            if (i % 100 >= labelPercent || i % 100 == 99)
            {
                continue;   // item 99 of each hundred is an inference error: it gets no label
            }

            json.Append(json.Length == 1 ? "" : ",").Append("{\"predictionId\":\"").Append(number.ToString("D9", CultureInfo.InvariantCulture)).Append('-')
                .Append(i.ToString("D4", CultureInfo.InvariantCulture)).Append("\",\"label\":").Append(Label(task, i)).Append('}');
        }

        return Encoding.UTF8.GetBytes(json.Append(']').ToString());
    }

    public int LabelsPerRequest => Enumerable.Range(0, ItemsPerRequest).Count(i => i % 100 < labelPercent && i % 100 != 99);

    private static string Label(string task, int item) => task switch
    {
        "binary" => (item % 3 == 0 ? 1 : 0).ToString(CultureInfo.InvariantCulture),
        "regression" => (item % 7).ToString(CultureInfo.InvariantCulture),
        _ => item % 2 == 0 ? "\"a\"" : "\"b\"",
    };

    private static string Template(string task, int items, Random random)
    {
        var json = new StringBuilder("[");
        for (var i = 0; i < items; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"predictionId\":\"").Append(IdTemplates.Placeholder).Append('-').Append(i.ToString("D4", CultureInfo.InvariantCulture))
                .Append("\",\"modelVersion\":\"v1\",\"features\":{");
            for (var f = 0; f < FleetOptions.Features; f++)
            {
                json.Append(f == 0 ? "" : ",").Append("\"f").Append(f).Append("\":").Append(Normal(random).ToString("F3", CultureInfo.InvariantCulture));
            }

            json.Append("},\"latencyMs\":").Append((5 + (random.NextDouble() * 20)).ToString("F2", CultureInfo.InvariantCulture));
            if (i % 100 == 99)
            {
                json.Append(",\"error\":\"timeout\"}");
                continue;
            }

            var score = random.NextDouble();
            json.Append(task switch
            {
                "binary" => $",\"prediction\":{(score >= 0.5 ? 1 : 0)},\"score\":{score.ToString("F4", CultureInfo.InvariantCulture)}",
                "regression" => $",\"prediction\":{(score * 7).ToString("F3", CultureInfo.InvariantCulture)}",
                _ => $",\"prediction\":\"{(score < 0.5 ? "a" : "b")}\",\"probabilities\":{{\"a\":{(1 - score).ToString("F4", CultureInfo.InvariantCulture)},\"b\":{score.ToString("F4", CultureInfo.InvariantCulture)}}}",
            }).Append('}');
        }

        return json.Append(']').ToString();
    }

    /// <summary>
    /// A model's past (<c>--history-days</c>): one prediction a minute from <paramref name="from"/> to
    /// <paramref name="until"/> with past timestamps, so the jobs and alerting meet days of minute rollups, in requests
    /// of at most <see cref="FleetOptions.MaxRequestItems"/>.
    /// </summary>
    public static IEnumerable<byte[]> History(string task, int model, DateTimeOffset from, DateTimeOffset until)
    {
        var random = new Random(model);
        var minutes = (int)(until - from).TotalMinutes;
        for (var first = 0; first < minutes; first += FleetOptions.MaxRequestItems)
        {
            var json = new StringBuilder("[");
            for (var m = first; m < Math.Min(minutes, first + FleetOptions.MaxRequestItems); m++)
            {
                var template = Template(task, 1, random);   // one item: [{"predictionId":"{id}-0000",…}]
                var item = template[1..^1].Replace(IdTemplates.Placeholder, $"h{model}-{m}", StringComparison.Ordinal)
                    .Replace("\"modelVersion\"", $"\"timestamp\":\"{from.AddMinutes(m).UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}\",\"modelVersion\"", StringComparison.Ordinal);
                json.Append(m == first ? "" : ",").Append(item);
            }

            yield return Encoding.UTF8.GetBytes(json.Append(']').ToString());
        }
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
