using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Portal.Benchmarks.Fleet;

/// <summary>
/// Open-loop traffic: prediction requests at fixed times whatever the answers (a slow portal shows as latency, not as
/// a lower offered rate), spread round-robin over the models and nodes; the labels of a share of each request follow
/// <see cref="FleetOptions.LabelDelaySeconds"/> later. Latency is counted from the time a request was due, so a sender
/// held up by the connection limit does not hide the wait.
/// </summary>
internal sealed class FleetTraffic(FleetPortal portal, FleetOptions options, int models, FleetBodies bodies)
{
    /// <summary>Requests in flight at most (beyond it a request waits, and its wait counts in its latency).</summary>
    private const int MaxInFlight = 512;

    public sealed record Result(
        long Offered, long Accepted, int Requests, int Errors, int Throttled, Percentiles Latency,
        long LabelsOffered, long LabelsAccepted, int LabelErrors, Percentiles LabelLatency, double Seconds, long[] AcceptedPerMinute)
    {
        /// <summary>Acknowledged per second, over the time until the last answer (<see cref="Seconds"/>).</summary>
        public double AcceptedRate => Accepted / Seconds;

        /// <summary>Offered per second, over the offered minutes.</summary>
        public double OfferedRate => Offered / OfferedSeconds;

        public double OfferedSeconds { get; init; } = Seconds;
    }

    public async Task<Result> RunAsync(TimeSpan duration)
    {
        var limit = new SemaphoreSlim(MaxInFlight);
        var labelsDue = new ConcurrentQueue<(TimeSpan Due, int Model, long Number)>();
        var latencies = new ConcurrentBag<double>();
        var labelLatencies = new ConcurrentBag<double>();
        var perMinute = new ConcurrentDictionary<int, long>();   // by the minute of the answer: a backlog drains after the due times
        long accepted = 0, labelsAccepted = 0, labelsOffered = 0;
        int requests = 0, errors = 0, throttled = 0, labelErrors = 0;
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(bodies.ItemsPerRequest / (double)options.Rate);
        var labelDelay = TimeSpan.FromSeconds(options.LabelDelaySeconds);
        var sends = new List<Task>();

        async Task SendAsync(int model, TimeSpan due)
        {
            await limit.WaitAsync();
            try
            {
                var task = FleetOptions.TaskOf(model);
                var (body, number) = bodies.Next(task);
                var (status, count) = await PostAsync(model, "predictions", body);
                latencies.Add((clock.Elapsed - due).TotalMilliseconds);
                Interlocked.Increment(ref requests);
                if (status == HttpStatusCode.OK)
                {
                    Interlocked.Add(ref accepted, count);
                    perMinute.AddOrUpdate((int)clock.Elapsed.TotalMinutes, count, (_, sum) => sum + count);
                    if (options.LabelPercent > 0)
                    {
                        labelsDue.Enqueue((clock.Elapsed + labelDelay, model, number));
                    }
                }
                else
                {
                    Interlocked.Increment(ref status == HttpStatusCode.TooManyRequests ? ref throttled : ref errors);
                }
            }
            finally
            {
                limit.Release();
            }
        }

        async Task LabelAsync(int model, long number)
        {
            await limit.WaitAsync();
            var started = clock.Elapsed;
            try
            {
                var body = bodies.Labels(FleetOptions.TaskOf(model), number);
                Interlocked.Add(ref labelsOffered, bodies.LabelsPerRequest);
                var (status, count) = await PostAsync(model, "feedback", body);
                labelLatencies.Add((clock.Elapsed - started).TotalMilliseconds);
                if (status == HttpStatusCode.OK)
                {
                    Interlocked.Add(ref labelsAccepted, count);
                }
                else
                {
                    Interlocked.Increment(ref labelErrors);
                }
            }
            finally
            {
                limit.Release();
            }
        }

        var labelling = Task.Run(async () =>
        {
            var labels = new List<Task>();
            while (clock.Elapsed < duration)
            {
                while (labelsDue.TryPeek(out var next) && next.Due <= clock.Elapsed && labelsDue.TryDequeue(out next))
                {
                    labels.Add(LabelAsync(next.Model, next.Number));
                }

                await Task.Delay(200);
            }

            await Task.WhenAll(labels);
        });

        for (long j = 0; ; j++)
        {
            var due = interval * j;
            if (due >= duration)
            {
                break;
            }

            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            sends.Add(SendAsync((int)(j % models), due));
        }

        await Task.WhenAll(sends);
        var answered = clock.Elapsed;
        await labelling;

        // Rates over the time until the last answer: with a backlog, everything is acknowledged in the end, later.
        var seconds = Math.Max(duration.TotalSeconds, answered.TotalSeconds);
        var minutes = Enumerable.Range(0, (int)Math.Ceiling(seconds / 60)).Select(m => perMinute.GetValueOrDefault(m)).ToArray();
        return new Result(
            (long)sends.Count * bodies.ItemsPerRequest, accepted, requests, errors, throttled, Percentiles.Of(latencies),
            labelsOffered, labelsAccepted, labelErrors, Percentiles.Of(labelLatencies), seconds, minutes)
        {
            OfferedSeconds = duration.TotalSeconds,
        };
    }

    private async Task<(HttpStatusCode Status, long Accepted)> PostAsync(int model, string kind, byte[] body)
    {
        var http = portal.Clients[model % portal.Clients.Count];
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await http.PostAsync($"api/v1/models/{FleetOptions.ModelName(model)}/{kind}", content);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (response.StatusCode, 0);
            }

            var at = text.IndexOf("\"accepted\":", StringComparison.Ordinal) + 11;
            var end = text.IndexOfAny([',', '}'], at);
            return (response.StatusCode, long.Parse(text.AsSpan(at, end - at), CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (HttpStatusCode.ServiceUnavailable, 0);
        }
    }
}

/// <summary>p50, p95, p99 and max of a sample (NaN when it is empty).</summary>
internal sealed record Percentiles(int Count, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Round(q * (sorted.Length - 1)))];
        return new Percentiles(sorted.Length, At(0.5), At(0.95), At(0.99), sorted.Length == 0 ? double.NaN : sorted[^1]);
    }

    public string Format(string unit = "ms") => Count == 0 ? "—" : FormattableString.Invariant($"{P50:F0} / {P95:F0} / {P99:F0} / {Max:F0} {unit}");
}
