using Portal.Web.Features.Dashboards;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Infrastructure.Rollups;

namespace Portal.Web.Tests.Dashboards;

public sealed class DashboardWindowTests
{
    [Fact]
    public void Every_window_has_at_most_300_points_and_whole_minute_buckets()
    {
        foreach (var window in DashboardWindow.All)
        {
            Assert.True(window.Span / window.Bucket <= DashboardWindow.MaxPoints, window.Key);
            Assert.Equal(0, window.Bucket.TotalMinutes % 1);
        }
    }

    [Theory]
    [InlineData("15m", 1)]
    [InlineData("1h", 1)]
    [InlineData("6h", 2)]
    [InlineData("24h", 5)]
    [InlineData("7d", 60)]
    [InlineData("30d", 180)]
    public void Bucket_is_the_smallest_nice_size_that_fits(string key, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), DashboardWindow.Parse(key).Bucket);

    [Fact]
    public void Unknown_window_falls_back_to_one_hour() => Assert.Equal("1h", DashboardWindow.Parse("2y").Key);

    [Fact]
    public void Range_starts_at_a_bucket_boundary_and_maps_minutes_to_buckets()
    {
        var now = DateTimeOffset.Parse("2026-11-24T10:07:30Z");
        var range = DashboardWindow.Parse("24h").At(now);

        Assert.Equal(DateTimeOffset.Parse("2026-11-23T10:05:00Z").ToUnixTimeMilliseconds(), range.FromMs);
        Assert.Equal(289, range.Buckets);
        Assert.Equal(0, range.BucketOf(range.FromMs + 240_000));
        Assert.Equal(1, range.BucketOf(range.FromMs + 300_000));
        Assert.Equal(new DateTime(2026, 11, 23, 10, 10, 0, DateTimeKind.Utc), range.StartOf(1));
        Assert.Equal(range.FromMs - (7 * 86_400_000L), range.ShiftedBack(TimeSpan.FromDays(7)).FromMs);
    }
}

public sealed class LatencyBucketsReaderTests
{
    [Fact]
    public void Reader_merges_exactly_what_the_rollup_json_holds()
    {
        var first = new Portal.Data.Rollups.LogHistogram();
        foreach (var v in new[] { 0.0, 0.4, 12.5, 12.6, 300, -3 })
        {
            first.Add(v);
        }

        var second = new Portal.Data.Rollups.LogHistogram();
        second.Add(12.5, 4);

        var expected = new Portal.Data.Rollups.LogHistogram();
        expected.Merge(first);
        expected.Merge(second);
        var merged = new Portal.Data.Rollups.LogHistogram();
        LatencyBucketsReader.MergeInto(merged, first.ToJson());
        LatencyBucketsReader.MergeInto(merged, second.ToJson());
        LatencyBucketsReader.MergeInto(merged, "{}");
        LatencyBucketsReader.MergeInto(merged, null);

        Assert.Equal(expected.ToJson(), merged.ToJson());
        Assert.Equal(1, merged.Zeros);
        Assert.Equal(expected.Quantile(0.99), merged.Quantile(0.99));
    }

    [Fact]
    public void Reader_accepts_whitespace_and_string_numbers_through_the_fallback()
    {
        var merged = new Portal.Data.Rollups.LogHistogram();
        LatencyBucketsReader.MergeInto(merged, """ { "z" : 2 , "p" : { "10" : 3 } , "n" : { } } """);
        LatencyBucketsReader.MergeInto(merged, """{"z":"1","p":{},"n":{}}""");

        Assert.Equal(3, merged.Zeros);
        Assert.Equal(3, merged.Positive[10]);
    }
}
