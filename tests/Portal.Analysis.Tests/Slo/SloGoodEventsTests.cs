using Portal.Analysis.Common;
using Portal.Analysis.Slo;

namespace Portal.Analysis.Tests.Slo;

public class SloGoodEventsTests
{
    private static readonly double[] UpperBoundsMs = [100, 250, 500, double.PositiveInfinity];
    private static readonly long[] Counts = [50, 30, 15, 5];

    [Fact]
    public void Latency_counts_requests_in_buckets_within_the_bound()
    {
        // Buckets (0,100] and (100,250] are within 250 ms: 50 + 30 = 80 good of 50 + 30 + 15 + 5 = 100.
        Assert.Equal(new SloCount(80, 100), SloGoodEvents.Latency(UpperBoundsMs, Counts, 250));
    }

    [Fact]
    public void Latency_bound_inside_a_bucket_counts_that_bucket_as_bad()
    {
        // 300 ms falls inside (250,500]: the histogram cannot tell which of its 15 requests were fast, so none count.
        Assert.Equal(new SloCount(80, 100), SloGoodEvents.Latency(UpperBoundsMs, Counts, 300));
    }

    [Fact]
    public void Latency_rejects_bounds_out_of_order()
    {
        var error = Assert.Throws<AnalysisInputException>(() => SloGoodEvents.Latency([100, 50], [1, 1], 250));
        Assert.Equal("bucketUpperBoundsMs[1]", error.Field);
    }

    [Fact]
    public void Latency_rejects_counts_of_another_length()
    {
        var error = Assert.Throws<AnalysisInputException>(() => SloGoodEvents.Latency(UpperBoundsMs, [1, 2], 250));
        Assert.Equal("bucketCounts", error.Field);
    }

    [Fact]
    public void Latency_rejects_NaN_bound()
    {
        var error = Assert.Throws<AnalysisInputException>(() => SloGoodEvents.Latency(UpperBoundsMs, Counts, double.NaN));
        Assert.Equal("boundMs", error.Field);
    }

    [Fact]
    public void Availability_good_is_requests_minus_failed()
    {
        Assert.Equal(new SloCount(997, 1000), SloGoodEvents.Availability(1000, 3));
    }

    [Fact]
    public void Error_rate_good_is_predictions_minus_errors()
    {
        Assert.Equal(new SloCount(95, 100), SloGoodEvents.ErrorRate(100, 5));
    }

    [Fact]
    public void More_failures_than_requests_is_rejected()
    {
        var error = Assert.Throws<AnalysisInputException>(() => SloGoodEvents.Availability(10, 11));
        Assert.Equal("failed", error.Field);
    }

    [Fact]
    public void Accuracy_counts_only_labelled_predictions()
    {
        Assert.Equal(new SloCount(180, 200), SloGoodEvents.Accuracy(labelled: 200, correct: 180));
    }

    [Fact]
    public void Throughput_minute_is_good_when_rate_meets_minimum()
    {
        Assert.Equal(new SloCount(1, 1), SloGoodEvents.Throughput(50, 50));
        Assert.Equal(new SloCount(0, 1), SloGoodEvents.Throughput(49, 50));
    }

    [Fact]
    public void Minute_without_requests_is_a_bad_throughput_minute()
    {
        Assert.Equal(new SloCount(0, 1), SloGoodEvents.Throughput(0, 1));
    }
}
