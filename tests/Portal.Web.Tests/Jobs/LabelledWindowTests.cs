using System.Text.Json.Nodes;
using Portal.Data;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using static Portal.Web.Tests.Jobs.JobsTestData;

namespace Portal.Web.Tests.Jobs;

/// <summary>The labelled-pair sampler the quality and fairness jobs share.</summary>
public sealed class LabelledWindowTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private readonly HttpClient client = factory.CreateApiClient();

    [Fact]
    public async Task Labelled_window_keeps_only_labelled_predictions_inside_the_window_and_samples_every_kth_above_the_cap()
    {
        var model = await NewModelAsync(client, features: []);
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var predictions = Enumerable.Range(0, 40).Select(i => new JsonObject
        {
            ["predictionId"] = $"w{i}", ["timestamp"] = Iso(start.AddSeconds(i * 10)), ["prediction"] = i % 2, ["score"] = 0.5,
        }).ToList();
        predictions.Add(new JsonObject { ["predictionId"] = "early", ["timestamp"] = Iso(start.AddHours(-2)), ["prediction"] = 1, ["score"] = 0.5 });
        await PostItemsAsync(client, $"/api/v1/models/{model}/predictions", predictions);
        var labelled = Enumerable.Range(0, 40).Where(i => i % 4 != 0).Select(i => $"w{i}").Append("early").ToList(); // 30 in the window
        await PostItemsAsync(client, $"/api/v1/models/{model}/feedback", labelled.Select(id => new JsonObject { ["predictionId"] = id, ["label"] = 1 }));
        var id = await ModelIdAsync(factory, model);
        var (from, to) = (start.UtcDateTime, DateTime.UtcNow.AddMinutes(1));

        var all = await factory.WithServiceAsync<PortalDbContext, (List<string>, int)>(async db =>
        {
            var (query, stride) = await PredictionWindowReader.LabelledAsync(db, id, from, to, cap: 100, CancellationToken.None);
            return ([.. query.Select(x => x.Prediction.PredictionId + "=" + x.Label.Label)], stride);
        });
        var sampled = await factory.WithServiceAsync<PortalDbContext, (List<long>, int)>(async db =>
        {
            var (query, stride) = await PredictionWindowReader.LabelledAsync(db, id, from, to, cap: 10, CancellationToken.None);
            return ([.. query.Select(x => x.Prediction.Id)], stride);
        });

        Assert.Equal(1, all.Item2);
        Assert.Equal(30, all.Item1.Count);
        Assert.All(all.Item1, pair => Assert.EndsWith("=1", pair));
        Assert.DoesNotContain("early=1", all.Item1);
        Assert.Equal(3, sampled.Item2); // ⌈30 / 10⌉
        Assert.NotEmpty(sampled.Item1);
        Assert.All(sampled.Item1, rowId => Assert.Equal(0, rowId % 3));
        Assert.True(sampled.Item1.Count < 30);
    }
}
