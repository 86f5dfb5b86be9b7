using Portal.Analysis.Slo;
using Portal.Data.Rollups;

namespace Portal.Web.Features.Slos;

/// <summary>One prediction rollup row (one version, one minute): what the SLO kinds count.</summary>
public sealed record SloRollupMinute(long MinuteMs, long Count, long Errors, string? LatencyBuckets);

/// <summary>One quality rollup row (one version, one minute).</summary>
public sealed record SloQualityMinute(long MinuteMs, long Labelled, long Correct);

/// <summary>
/// Turns per-minute rollups into the good/total events of an SLO kind with <see cref="SloGoodEvents"/>
/// (the same definitions the analysis library documents): latency from the log-bucket histogram (a bucket counts as
/// good only when its upper edge is within the bound), availability and error rate as predictions − errors (the
/// rollups count one kind of failure: a prediction sent with an <c>error</c>), accuracy from labelled/correct,
/// throughput as one event per minute from <paramref name="firstMinuteMs"/> on, including minutes without traffic.
/// </summary>
public static class SloSeriesBuilder
{
    /// <param name="predictions">Prediction rollup rows (any number of versions per minute).</param>
    /// <param name="quality">Quality rollup rows.</param>
    /// <param name="firstMinuteMs">First minute a throughput SLO counts (the window start, or the model's first minute if later).</param>
    /// <param name="endMinuteMs">End of the evaluation (exclusive), on a whole minute.</param>
    public static SloEventSeries Build(
        SloDefinition slo, IReadOnlyList<SloRollupMinute> predictions, IReadOnlyList<SloQualityMinute> quality, long firstMinuteMs, long endMinuteMs)
    {
        var rows = slo.Kind switch
        {
            SloKind.Latency => predictions.Select(m => (m.MinuteMs, Latency(m.LatencyBuckets, slo.LatencyBoundMs!.Value))),
            SloKind.Availability => predictions.Select(m => (m.MinuteMs, SloGoodEvents.Availability(m.Count, m.Errors))),
            SloKind.ErrorRate => predictions.Select(m => (m.MinuteMs, SloGoodEvents.ErrorRate(m.Count, m.Errors))),
            SloKind.Accuracy => quality.Select(m => (m.MinuteMs, SloGoodEvents.Accuracy(m.Labelled, Math.Min(m.Correct, m.Labelled)))),
            SloKind.Throughput => Throughput(predictions, slo.MinRequestsPerMinute!.Value, firstMinuteMs, endMinuteMs),
            _ => throw new ArgumentOutOfRangeException(nameof(slo), slo.Kind, "unknown SLO kind"),
        };
        var minutes = rows
            .Where(r => r.MinuteMs < endMinuteMs)
            .GroupBy(r => r.MinuteMs)
            .Select(g => new SloMinute(DateTimeOffset.FromUnixTimeMilliseconds(g.Key), g.Sum(r => r.Item2.Good), g.Sum(r => r.Item2.Total)))
            .Where(m => m.Total > 0)
            .OrderBy(m => m.MinuteStart)
            .ToList();
        return SloEventSeries.FromMinutes(minutes);
    }

    /// <summary>Good (within the bound) and total requests of one minute's latency histogram.</summary>
    public static SloCount Latency(string? bucketsJson, double boundMs)
    {
        var histogram = LogHistogram.FromJson(bucketsJson);
        var uppers = new List<double>();
        var counts = new List<long>();
        if (histogram.Zeros > 0)
        {
            uppers.Add(0);
            counts.Add(histogram.Zeros);
        }

        foreach (var (index, count) in histogram.Positive.OrderBy(b => b.Key))
        {
            uppers.Add(LogHistogram.UpperEdgeOf(index));
            counts.Add(count);
        }

        return uppers.Count == 0 ? new SloCount(0, 0) : SloGoodEvents.Latency(uppers, counts, boundMs);
    }

    private static IEnumerable<(long MinuteMs, SloCount)> Throughput(IReadOnlyList<SloRollupMinute> predictions, double minimum, long firstMinuteMs, long endMinuteMs)
    {
        var counts = predictions.GroupBy(m => m.MinuteMs).ToDictionary(g => g.Key, g => g.Sum(m => m.Count));
        for (var minute = firstMinuteMs; minute < endMinuteMs; minute += 60_000)
        {
            yield return (minute, SloGoodEvents.Throughput(counts.GetValueOrDefault(minute), minimum));
        }
    }
}
