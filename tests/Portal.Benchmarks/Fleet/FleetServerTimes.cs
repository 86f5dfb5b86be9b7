using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Benchmarks.Fleet;

/// <summary>
/// A Prometheus histogram the portal keeps of its own work (the models list's <c>portal_models_list_duration_seconds</c>),
/// summed over the nodes: server time, without the browser's share. Quantiles are the upper bound of the bucket they
/// fall in, so "≤ 0.3 s" is exact and "p50 ≤ 0.1 s" means somewhere in (0.05, 0.1].
/// </summary>
internal sealed record FleetServerTimes(long Count, double SumSeconds, IReadOnlyList<(double Le, long Cumulative)> Buckets)
{
    public static async Task<FleetServerTimes> ReadAsync(IEnumerable<HttpClient> nodes, string name)
    {
        var buckets = new SortedDictionary<double, long>();
        long count = 0;
        double sum = 0;
        foreach (var http in nodes)
        {
            var text = await http.GetStringAsync("metrics");
            foreach (Match m in Regex.Matches(text, $@"(?m)^{name}_bucket\{{le=""([^""]+)""\}} (\d+)"))
            {
                var le = m.Groups[1].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                buckets[le] = buckets.GetValueOrDefault(le) + long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }

            count += Regex.Match(text, $@"(?m)^{name}_count (\d+)") is { Success: true } c ? long.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            sum += Regex.Match(text, $@"(?m)^{name}_sum (\S+)") is { Success: true } s ? double.Parse(s.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }

        return new FleetServerTimes(count, sum, [.. buckets.Select(b => (b.Key, b.Value))]);
    }

    /// <summary>The smallest bucket bound at or below which a share <paramref name="q"/> of the observations fall.</summary>
    public double Quantile(double q) =>
        Count == 0 ? double.NaN : Buckets.FirstOrDefault(b => b.Cumulative >= q * Count, (double.NaN, 0)).Le;

    /// <summary>The share of observations at or below <paramref name="le"/> (a bucket bound).</summary>
    public double ShareAtMost(double le) =>
        Count == 0 ? double.NaN : Buckets.Where(b => b.Le == le).Select(b => b.Cumulative / (double)Count).DefaultIfEmpty(double.NaN).First();

    public string Format() => Count == 0
        ? "none"
        : FormattableString.Invariant($"{Count:N0} pages, mean {1000 * SumSeconds / Count:F0} ms; p50 ≤ {1000 * Quantile(0.5):F0} ms, p95 ≤ {1000 * Quantile(0.95):F0} ms; {100 * ShareAtMost(0.3):F1} % ≤ 300 ms");
}
