using System.Net;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Ingestion;

/// <summary>Feedback labels join their predictions by predictionId (even days later); resource samples are validated per item.</summary>
public sealed class FeedbackAndResourceTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private readonly HttpClient client = factory.CreateApiClient();

    private async Task<string> ModelAsync(string taskType = "binary")
    {
        var name = "f-" + Guid.NewGuid().ToString("N")[..10];
        await CreateModelAsync(client, name, taskType);
        return name;
    }

    [Fact]
    public async Task Labels_join_by_prediction_id_and_feed_quality()
    {
        var model = await ModelAsync();
        await PostOkAsync(client, $"/api/v1/models/{model}/predictions",
            """[{"predictionId": "p1", "prediction": 1, "score": 0.9}, {"predictionId": "p2", "prediction": 0, "score": 0.2}, {"predictionId": "p3", "prediction": 1, "score": 0.7}]""");
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/feedback",
            """[{"predictionId": "p1", "label": 1}, {"predictionId": "p2", "label": 1}, {"predictionId": "p3", "label": true}, {"predictionId": "nope", "label": 0}]""");
        Assert.Equal(4, answer["accepted"]!.GetValue<int>());
        Assert.Equal(1, answer["unmatched"]!.GetValue<int>());

        var quality = (await SummaryAsync(client, model))["quality"]!;
        Assert.Equal(3, quality["labelled"]!.GetValue<long>());
        Assert.Equal(2.0 / 3, quality["accuracy"]!.GetValue<double>(), 9);
        Assert.Equal(1.0, quality["precision"]!.GetValue<double>(), 9);
        Assert.Equal(2.0 / 3, quality["recall"]!.GetValue<double>(), 9);
    }

    [Fact]
    public async Task A_label_days_later_joins_the_old_prediction()
    {
        var model = await ModelAsync();
        var threeDaysAgo = DateTimeOffset.UtcNow.AddDays(-3);
        await PostOkAsync(client, $"/api/v1/models/{model}/predictions", $$"""{"predictionId": "old", "prediction": 1, "timestamp": "{{Iso(threeDaysAgo)}}"}""");
        await PostOkAsync(client, $"/api/v1/models/{model}/feedback", """{"predictionId": "old", "label": 1}""");
        Assert.Equal(0, (await SummaryAsync(client, model, "1h"))["quality"]!["labelled"]!.GetValue<long>());
        var quality = (await SummaryAsync(client, model, "7d"))["quality"]!;
        Assert.Equal(1, quality["labelled"]!.GetValue<long>());
        Assert.Equal(1.0, quality["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public async Task Repeated_label_is_a_duplicate()
    {
        var model = await ModelAsync();
        await PostOkAsync(client, $"/api/v1/models/{model}/predictions", """{"predictionId": "p", "prediction": 1}""");
        await PostOkAsync(client, $"/api/v1/models/{model}/feedback", """{"predictionId": "p", "label": 1}""");
        var again = await PostOkAsync(client, $"/api/v1/models/{model}/feedback", """{"predictionId": "p", "label": 0}""");
        Assert.Equal(0, again["accepted"]!.GetValue<int>());
        Assert.Equal(1, again["duplicates"]!.GetValue<int>());
        Assert.Equal(1, (await SummaryAsync(client, model))["quality"]!["labelled"]!.GetValue<long>());
    }

    [Fact]
    public async Task Regression_labels_give_mae_and_rmse()
    {
        var model = await ModelAsync("regression");
        await PostOkAsync(client, $"/api/v1/models/{model}/predictions", """[{"predictionId": "a", "prediction": 10}, {"predictionId": "b", "prediction": 20}]""");
        await PostOkAsync(client, $"/api/v1/models/{model}/feedback", """[{"predictionId": "a", "label": 12}, {"predictionId": "b", "label": 16}]""");
        var quality = (await SummaryAsync(client, model))["quality"]!;
        Assert.Equal(3.0, quality["mae"]!.GetValue<double>(), 9);
        Assert.Equal(Math.Sqrt(10), quality["rmse"]!.GetValue<double>(), 9);
    }

    [Fact]
    public async Task Invalid_labels_are_rejected_by_index_and_field()
    {
        var model = await ModelAsync();
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/feedback", $$"""
            [ {"predictionId": "a"},
              {"label": 1},
              {"predictionId": "c", "label": 1, "timestamp": "{{Iso(DateTimeOffset.UtcNow.AddHours(1))}}"},
              {"predictionId": "d", "label": "NaN"},
              {"predictionId": "e", "label": [1]} ]
            """);
        Assert.Equal(1, answer["accepted"]!.GetValue<int>());
        Assert.Contains("label: is required", RejectedErrors(answer, 0));
        Assert.Contains("predictionId: is required", RejectedErrors(answer, 1));
        Assert.Contains("timestamp:", RejectedErrors(answer, 2));
        Assert.Contains("label: must be a class label", RejectedErrors(answer, 4));
    }

    [Fact]
    public async Task Regression_label_must_be_finite()
    {
        var model = await ModelAsync("regression");
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/feedback", """[{"predictionId": "a", "label": "Infinity"}, {"predictionId": "b", "label": "x"}]""");
        Assert.Contains("label: \"Infinity\" is not a finite number", RejectedErrors(answer, 0));
        Assert.Contains("label: must be a number", RejectedErrors(answer, 1));
    }

    [Fact]
    public async Task Resource_samples_are_stored_and_bad_ones_named()
    {
        var model = await ModelAsync();
        var answer = await PostOkAsync(client, "/api/v1/resources", $$"""
            [ {"host": "gpu-1", "model": "{{model}}", "cpuPercent": 55.5, "memoryBytes": 1000000, "memoryPercent": 40, "gpuPercent": 90, "gpuMemoryBytes": 5000000},
              {"host": "cpu-2", "cpuPercent": 12},
              {"host": "bad", "cpuPercent": 150},
              {"cpuPercent": 10},
              {"host": "neg", "memoryBytes": -5},
              {"host": "ghost", "model": "no-such-model"},
              {"host": "nan", "gpuPercent": "NaN"} ]
            """);
        Assert.Equal(2, answer["accepted"]!.GetValue<int>());
        Assert.Contains("cpuPercent: 150 is outside [0, 100]", RejectedErrors(answer, 2));
        Assert.Contains("host: is required", RejectedErrors(answer, 3));
        Assert.Contains("memoryBytes: -5 is outside", RejectedErrors(answer, 4));
        Assert.Contains("model: there is no model 'no-such-model'", RejectedErrors(answer, 5));
        Assert.Contains("gpuPercent: \"NaN\" is not a finite number", RejectedErrors(answer, 6));
    }

    [Fact]
    public async Task Model_scoped_key_may_only_send_resources_of_its_model()
    {
        var model = await ModelAsync();
        using var scoped = factory.CreateApiClient(PortalFactory.ScopedKey(model));
        var answer = await PostOkAsync(scoped, "/api/v1/resources", $$"""[{"host": "h", "model": "{{model}}", "cpuPercent": 1}, {"host": "h"}, {"host": "h", "model": "other"}]""");
        Assert.Equal(2, answer["accepted"]!.GetValue<int>());
        Assert.Contains($"model: this API key may only send samples of model '{model}'", RejectedErrors(answer, 2));
    }

    [Fact]
    public async Task Feedback_for_unknown_model_is_404()
    {
        var (status, _, _) = await PostJsonAsync(client, "/api/v1/models/nobody/feedback", """[{"predictionId": "a", "label": 1}]""");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
