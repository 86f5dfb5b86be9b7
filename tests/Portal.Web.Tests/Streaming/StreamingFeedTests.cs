using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Data.Entities;
using Portal.Web.Features.Ingestion;
using Portal.Web.Features.Ingestion.Storage;
using Portal.Web.Features.Streaming;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Tests.Streaming;

/// <summary>The queue between the ingestion writer and the detectors never blocks or fails ingestion.</summary>
public sealed class StreamingFeedTests
{
    private static readonly ModelInfo Binary = new(1, "m", ModelTaskType.Binary, 0.5, []);
    private static readonly ModelInfo Regression = new(2, "r", ModelTaskType.Regression, 0.5, []);

    private static StreamingFeed Feed(int capacity, bool enabled = true) =>
        new(Options.Create(new StreamingOptions { QueueCapacity = capacity, Enabled = enabled }));

    [Fact]
    public void A_full_queue_drops_and_counts_the_values_that_do_not_fit_without_throwing()
    {
        var feed = Feed(capacity: 2);
        var dropped = 0;
        feed.ValuesDropped += n => dropped += n;
        var buffer = Enumerable.Range(0, 5).Select(i => new StreamSample(1, "m", null, StreamSignal.Score, i / 10.0)).ToList();

        feed.Offer(buffer);

        Assert.Empty(buffer);
        Assert.Equal(2, feed.Reader.Count);
        Assert.Equal(3, feed.Dropped);
        Assert.Equal(3, dropped);
    }

    [Fact]
    public void A_failing_drop_listener_does_not_reach_the_writer()
    {
        var feed = Feed(capacity: 1);
        feed.ValuesDropped += _ => throw new InvalidOperationException("listener broke");
        feed.Offer([new StreamSample(1, "m", null, StreamSignal.Score, 0.1), new StreamSample(1, "m", null, StreamSignal.Score, 0.2)]);
        Assert.Equal(1, feed.Dropped);
    }

    [Fact]
    public void Predictions_give_their_score_labels_their_misclassification_and_regression_no_error_signal()
    {
        var buffer = new List<StreamSample>();
        StreamingFeed.AddPrediction(buffer, Binary, new PredictionRecord { PredictionId = "a", Prediction = "1", Score = 0.9, ModelVersion = "v2" });
        StreamingFeed.AddPrediction(buffer, Binary, new PredictionRecord { PredictionId = "b", Prediction = "1", Confidence = 0.6 });
        StreamingFeed.AddPrediction(buffer, Binary, new PredictionRecord { PredictionId = "c", Prediction = "1" });
        StreamingFeed.AddPrediction(buffer, Regression, new PredictionRecord { PredictionId = "d", PredictionValue = 42 });
        StreamingFeed.AddLabel(buffer, Binary, new FeedbackRecord { PredictionId = "a", Label = "0" }, new JoinedPrediction("1", 1, "v2", 0));
        StreamingFeed.AddLabel(buffer, Binary, new FeedbackRecord { PredictionId = "b", Label = "1" }, new JoinedPrediction("1", 1, null, 0));
        StreamingFeed.AddLabel(buffer, Regression, new FeedbackRecord { PredictionId = "d", Label = "40", LabelValue = 40 }, new JoinedPrediction(null, 42, null, 0));

        Assert.Equal(
            [
                new StreamSample(1, "m", "v2", StreamSignal.Score, 0.9),
                new StreamSample(1, "m", null, StreamSignal.Score, 0.6),
                new StreamSample(2, "r", null, StreamSignal.Score, 42, Regression: true),
                new StreamSample(1, "m", "v2", StreamSignal.Error, 1.0),
                new StreamSample(1, "m", null, StreamSignal.Error, 0.0),
            ],
            buffer);
    }

    [Fact]
    public void Regression_values_are_watched_by_adwin_alone()
    {
        var detectors = new StreamDetectors(new StreamingOptions());
        var signals = new List<DetectorSignal>();
        foreach (var i in Enumerable.Range(0, 2000))
        {
            // A big unit: Page–Hinkley's absolute δ and λ would signal on noise of this size; ADWIN sees only the real shift.
            var value = (i < 1000 ? 1000.0 : 5000.0) + ((i * 7919 % 200) - 100);
            detectors.Add(new StreamSample(2, "r", null, StreamSignal.Score, value, Regression: true), signals);
        }

        Assert.Equal(["adwin"], signals.Select(s => s.Detector).Distinct());
        Assert.InRange(signals[0].ValuesSeen, 1001, 1100);
    }

    [Fact]
    public async Task Ingestion_answers_and_stores_everything_when_the_detectors_queue_is_full()
    {
        using var factory = new PortalFactory { Settings = { ["Portal:Streaming:QueueCapacity"] = "1" } };
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "flooded");
        var feed = factory.Services.GetRequiredService<StreamingFeed>();

        var json = "[" + string.Join(",", Enumerable.Range(0, 5000).Select(i => $$"""{"predictionId": "p-{{i}}", "prediction": 1, "score": 0.5}""")) + "]";
        var answer = await PostOkAsync(client, "/api/v1/models/flooded/predictions", json);

        Assert.Equal(5000, answer["accepted"]!.GetValue<int>());
        Assert.Equal(5000, await StoredPredictionsAsync(factory, "flooded"));
        Assert.True(feed.Dropped > 0, "a queue of one value should have overflowed on 5,000 values at once");
        Assert.Contains("queue is full", factory.Logs.All);
        using var metrics = await client.GetAsync("/metrics");
        Assert.Matches(@"ml_streaming_dropped_values_total [1-9]", await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_streaming_disabled_nothing_is_queued()
    {
        using var factory = new PortalFactory { Settings = { ["Portal:Streaming:Enabled"] = "false" } };
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "quiet");
        await PostOkAsync(client, "/api/v1/models/quiet/predictions", """[{"predictionId": "a", "prediction": 1, "score": 0.5}]""");
        var service = factory.Services.GetRequiredService<StreamingDriftService>();
        Assert.Equal(0, service.Processed);
        Assert.Equal(0, factory.Services.GetRequiredService<StreamingFeed>().Reader.Count);
    }
}
