using Portal.Analysis.Common;

namespace Portal.Analysis.Slo;

/// <summary>One minute's events: <see cref="Good"/> of <see cref="Total"/>.</summary>
public readonly record struct SloCount(long Good, long Total)
{
    public long Bad => Total - Good;
}

/// <summary>
/// How each <see cref="SloKind"/> turns one minute of rollups into good and total events.
/// The SLO job calls the function of the SLO's kind for every minute and builds an <see cref="SloEventSeries"/>.
/// </summary>
public static class SloGoodEvents
{
    /// <summary>
    /// <see cref="SloKind.Latency"/>: requests whose latency is at most <paramref name="boundMs"/>, from a histogram of
    /// per-bucket (not cumulative) counts. Bucket i holds latencies in (upper[i−1], upper[i]]; the last upper bound may be
    /// +∞. A bucket counts as good only when its whole range is within the bound. A bound that falls inside a bucket
    /// therefore counts that bucket as bad: the SLO may under-report compliance but never claims a request was fast
    /// when the histogram cannot tell. Choose bounds on bucket edges to avoid it.
    /// </summary>
    public static SloCount Latency(IReadOnlyList<double> bucketUpperBoundsMs, IReadOnlyList<long> bucketCounts, double boundMs)
    {
        if (bucketUpperBoundsMs.Count != bucketCounts.Count)
        {
            throw new AnalysisInputException("bucketCounts", $"has {bucketCounts.Count} buckets, the upper bounds {bucketUpperBoundsMs.Count}");
        }

        if (!double.IsFinite(boundMs) || boundMs <= 0)
        {
            throw new AnalysisInputException("boundMs", "must be a positive number");
        }

        long good = 0;
        long total = 0;
        for (var i = 0; i < bucketCounts.Count; i++)
        {
            var upper = bucketUpperBoundsMs[i];
            if (double.IsNaN(upper) || (i > 0 && upper <= bucketUpperBoundsMs[i - 1]))
            {
                throw new AnalysisInputException($"bucketUpperBoundsMs[{i}]", "upper bounds must be numbers in increasing order");
            }

            var count = bucketCounts[i];
            if (count < 0)
            {
                throw new AnalysisInputException($"bucketCounts[{i}]", "must not be negative");
            }

            total += count;
            if (upper <= boundMs)
            {
                good += count;
            }
        }

        return new SloCount(good, total);
    }

    /// <summary><see cref="SloKind.Availability"/>: good = requests − failed (server errors and timeouts).</summary>
    public static SloCount Availability(long requests, long failed) => Subtract(requests, failed, "requests", "failed");

    /// <summary><see cref="SloKind.ErrorRate"/>: good = predictions − errors (any error, including rejected inputs).</summary>
    public static SloCount ErrorRate(long predictions, long errors) => Subtract(predictions, errors, "predictions", "errors");

    /// <summary><see cref="SloKind.Accuracy"/>: good = correct labelled predictions, total = labelled predictions.</summary>
    public static SloCount Accuracy(long labelled, long correct)
    {
        if (labelled < 0)
        {
            throw new AnalysisInputException("labelled", "must not be negative");
        }

        if (correct < 0 || correct > labelled)
        {
            throw new AnalysisInputException("correct", "must be between 0 and the labelled count");
        }

        return new SloCount(correct, labelled);
    }

    /// <summary>
    /// <see cref="SloKind.Throughput"/>: the minute itself is the event (total 1); it is good when it served at least
    /// <paramref name="minRequestsPerMinute"/> requests. A minute without any request is (0, 1), a bad minute.
    /// </summary>
    public static SloCount Throughput(long requests, double minRequestsPerMinute)
    {
        if (requests < 0)
        {
            throw new AnalysisInputException("requests", "must not be negative");
        }

        if (!double.IsFinite(minRequestsPerMinute) || minRequestsPerMinute <= 0)
        {
            throw new AnalysisInputException("minRequestsPerMinute", "must be a positive number");
        }

        return new SloCount(requests >= minRequestsPerMinute ? 1 : 0, 1);
    }

    private static SloCount Subtract(long total, long bad, string totalField, string badField)
    {
        if (total < 0)
        {
            throw new AnalysisInputException(totalField, "must not be negative");
        }

        if (bad < 0 || bad > total)
        {
            throw new AnalysisInputException(badField, $"must be between 0 and {totalField}");
        }

        return new SloCount(total - bad, total);
    }
}
