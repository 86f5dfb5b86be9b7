using Portal.Web.Features.Metrics;
using Prometheus;

namespace Portal.Web.Features.Streaming;

/// <summary>
/// The streaming detectors' counters on the portal's <c>/metrics</c> registry. They count what this node detected and
/// dropped since it started (Prometheus sums the nodes).
/// </summary>
public sealed class StreamingMetrics
{
    private readonly Counter events;
    private readonly Counter dropped;

    public StreamingMetrics(PortalMetrics portal, StreamingFeed feed, ILogger<StreamingMetrics> logger)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(portal.Registry);
        events = factory.CreateCounter("ml_possible_drift_events_total", "Possible-drift events stored by the streaming detectors (after de-duplication).", ["model_name", "detector", "signal"]);
        dropped = factory.CreateCounter("ml_streaming_dropped_values_total", "Values the streaming detectors never saw because their queue was full.");
        var lastWarning = DateTimeOffset.MinValue;
        feed.ValuesDropped += lost =>
        {
            dropped.Inc(lost);
            if (DateTimeOffset.UtcNow - lastWarning > TimeSpan.FromMinutes(1))
            {
                lastWarning = DateTimeOffset.UtcNow;
                logger.LogWarning("The streaming drift detectors' queue is full: {Dropped} values dropped so far (ingestion is not affected).", feed.Dropped);
            }
        };
    }

    public void EventStored(string model, string detector, string signal) => events.WithLabels(model, detector, signal).Inc();
}
