using Portal.Web.Features.Metrics;
using Prometheus;

namespace Portal.Web.Features.Models;

/// <summary>
/// How long the server takes to build a page of the models list (its reads and status rules), on <c>/metrics</c> as
/// <c>portal_models_list_duration_seconds</c>: what a fleet of a thousand models costs the portal itself, without the
/// browser's and the network's share.
/// </summary>
public sealed class ModelsListMetrics(PortalMetrics portal)
{
    public const string Name = "portal_models_list_duration_seconds";

    /// <summary>Upper bounds, in seconds; 0.3 is the fleet's target (docs/BENCHMARKS.md).</summary>
    public static readonly double[] BucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5];

    private readonly Histogram duration = Prometheus.Metrics.WithCustomRegistry(portal.Registry).CreateHistogram(
        Name, "Server time to build a page of the models list (database reads and status), in seconds.",
        new HistogramConfiguration { Buckets = BucketsSeconds });

    public void Observe(TimeSpan elapsed) => duration.Observe(elapsed.TotalSeconds);
}
