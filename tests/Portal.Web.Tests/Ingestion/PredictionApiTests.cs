using System.Net;
using System.Text;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Ingestion;

/// <summary>POST /api/v1/models/{model}/predictions: every error class is rejected per item (index + field), the rest is stored.</summary>
public sealed class PredictionApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private readonly HttpClient client = factory.CreateApiClient();

    private async Task<string> ModelAsync(string taskType = "binary")
    {
        var name = "m-" + Guid.NewGuid().ToString("N")[..10];
        await CreateModelAsync(client, name, taskType);
        return name;
    }

    [Fact]
    public async Task Single_item_is_committed_before_the_answer()
    {
        var model = await ModelAsync();
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions",
            """{"predictionId": "p1", "features": {"amount": 41, "country": "DE"}, "prediction": 1, "score": 0.91, "latencyMs": 12.5, "modelVersion": "v1", "segment": "mobile", "experiment": {"id": "exp-7", "variant": "treatment"}}""");
        Assert.Equal(1, answer["accepted"]!.GetValue<int>());
        Assert.Equal(0, answer["duplicates"]!.GetValue<int>());
        Assert.Empty(answer["rejected"]!.AsArray());
        Assert.Equal(1, await StoredPredictionsAsync(factory, model));
    }

    [Fact]
    public async Task Mixed_batch_accepts_the_valid_items_and_names_index_and_field_of_the_rest()
    {
        var model = await ModelAsync();
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions", """
            [ {"predictionId": "a", "prediction": 1, "score": 0.7},
              {"prediction": 1},
              {"predictionId": "c", "prediction": 0, "score": 0.2},
              {"predictionId": "d", "prediction": 1, "score": 2} ]
            """);
        Assert.Equal(2, answer["accepted"]!.GetValue<int>());
        Assert.Contains("predictionId: is required", RejectedErrors(answer, 1));
        Assert.Contains("score: 2 is outside [0, 1]", RejectedErrors(answer, 3));
        Assert.Equal(2, answer["rejected"]!.AsArray().Count);
        Assert.Equal(2, await StoredPredictionsAsync(factory, model));
    }

    [Theory]
    [InlineData("""{"predictionId": "", "prediction": 1}""", "predictionId: must not be empty")]
    [InlineData("""{"predictionId": 17, "prediction": 1}""", "predictionId: must be a string")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "timestamp": "yesterday"}""", "timestamp: \"yesterday\" is not an RFC 3339 date-time")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "timestamp": "2026-13-45T00:00:00Z"}""", "timestamp:")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "timestamp": 1700000000}""", "timestamp:")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "score": "NaN"}""", "score: \"NaN\" is not a finite number")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "latencyMs": "Infinity"}""", "latencyMs: \"Infinity\" is not a finite number")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "features": {"amount": "-Infinity"}}""", "features.amount: \"-Infinity\" is not a finite number")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "score": 1e400}""", "score: 1e400 is not a finite number")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "score": -0.01}""", "score: -0.01 is outside [0, 1]")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "score": 1.5}""", "score: 1.5 is outside [0, 1]")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "probabilities": {"0": 0.2, "1": 1.2}}""", "probabilities.1: 1.2 is outside [0, 1]")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "latencyMs": -3}""", "latencyMs: -3 is outside [0, 86400000]")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "features": {"amount": "abc"}}""", "features.amount: must be a number")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "features": {"amount": {"v": 1}}}""", "features.amount: must be a number (numerical feature), not an object")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "features": {"country": ["DE"]}}""", "features.country: must be a category")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "features": [1, 2]}""", "features: must be an object")]
    [InlineData("""{"predictionId": "x", "score": 0.5}""", "prediction: is required")]
    [InlineData("""{"predictionId": "x", "prediction": {"a": 1}}""", "prediction: must be a class label")]
    [InlineData("""{"predictionId": "x", "prediction": 1, "experiment": {"id": "e"}}""", "experiment.variant: is required")]
    [InlineData("""[1]""", "item: must be a JSON object")]
    public async Task Invalid_item_is_rejected_with_its_field(string body, string expected)
    {
        var model = await ModelAsync();
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions", body);
        Assert.Equal(0, answer["accepted"]!.GetValue<int>());
        Assert.Contains(expected, RejectedErrors(answer, 0));
        Assert.Equal(0, await StoredPredictionsAsync(factory, model));
    }

    [Fact]
    public async Task Timestamp_more_than_five_minutes_ahead_is_rejected_but_four_minutes_is_fine()
    {
        var model = await ModelAsync();
        var now = DateTimeOffset.UtcNow;
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions",
            $$"""[{"predictionId": "soon", "prediction": 1, "timestamp": "{{Iso(now.AddMinutes(4))}}"}, {"predictionId": "late", "prediction": 1, "timestamp": "{{Iso(now.AddMinutes(6))}}"}]""");
        Assert.Equal(1, answer["accepted"]!.GetValue<int>());
        Assert.Contains("is more than 5 minutes in the future", RejectedErrors(answer, 1));
    }

    [Fact]
    public async Task Strings_over_their_limits_are_rejected()
    {
        var model = await ModelAsync();
        var longId = new string('x', 129);
        var longSegment = new string('s', 65);
        var longCategory = new string('c', 257);
        var longVersion = new string('v', 65);
        var longError = new string('e', 257);
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions", $$$"""
            [ {"predictionId": "{{{longId}}}", "prediction": 1},
              {"predictionId": "s", "prediction": 1, "segment": "{{{longSegment}}}"},
              {"predictionId": "c", "prediction": 1, "features": {"country": "{{{longCategory}}}"}},
              {"predictionId": "v", "prediction": 1, "modelVersion": "{{{longVersion}}}"},
              {"predictionId": "e", "error": "{{{longError}}}"} ]
            """);
        Assert.Equal(0, answer["accepted"]!.GetValue<int>());
        Assert.Contains("predictionId: is 129 characters long; at most 128", RejectedErrors(answer, 0));
        Assert.Contains("segment: is 65 characters long; at most 64", RejectedErrors(answer, 1));
        Assert.Contains("features.country: is 257 characters long; at most 256", RejectedErrors(answer, 2));
        Assert.Contains("modelVersion: is 65 characters long", RejectedErrors(answer, 3));
        Assert.Contains("error: is 257 characters long", RejectedErrors(answer, 4));
    }

    [Fact]
    public async Task Every_problem_of_one_item_is_listed()
    {
        var model = await ModelAsync();
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions",
            """{"prediction": 1, "score": 3, "latencyMs": -1, "timestamp": "nope"}""");
        var errors = RejectedErrors(answer, 0);
        Assert.Contains("predictionId:", errors);
        Assert.Contains("score:", errors);
        Assert.Contains("latencyMs:", errors);
        Assert.Contains("timestamp:", errors);
    }

    [Fact]
    public async Task Unknown_features_are_stored_and_counted_as_schema_violations()
    {
        var model = await ModelAsync();
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions",
            """[{"predictionId": "u1", "prediction": 1, "features": {"amount": 5, "shoe_size": 44, "colour": "red"}}, {"predictionId": "u2", "prediction": 0, "features": {"amount": 7}}]""");
        Assert.Equal(2, answer["accepted"]!.GetValue<int>());
        Assert.Empty(answer["rejected"]!.AsArray());
        var summary = await SummaryAsync(client, model);
        Assert.Equal(2, summary["schemaViolations"]!.GetValue<long>());
    }

    [Fact]
    public async Task Failed_inference_is_stored_as_an_error()
    {
        var model = await ModelAsync();
        await PostOkAsync(client, $"/api/v1/models/{model}/predictions", """[{"predictionId": "f1", "error": "timeout", "latencyMs": 3000}, {"predictionId": "f2", "prediction": 1}]""");
        var summary = await SummaryAsync(client, model);
        Assert.Equal(2, summary["predictions"]!.GetValue<long>());
        Assert.Equal(1, summary["errors"]!.GetValue<long>());
        Assert.Equal(0.5, summary["errorRate"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("""[{"predictionId": "ok1", "prediction": 1}, {"predictionId": "ok2", "prediction": 1""")]
    [InlineData("""[{"predictionId": "ok1", "prediction": 1, "score": NaN}]""")]
    [InlineData("""not json""")]
    [InlineData("""42""")]
    public async Task Malformed_body_is_a_400_problem_and_stores_nothing(string body)
    {
        var model = await ModelAsync();
        var (status, problem, response) = await PostJsonAsync(client, $"/api/v1/models/{model}/predictions", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(problem["errors"]?["$"]);
        Assert.Equal(0, await StoredPredictionsAsync(factory, model));
    }

    [Fact]
    public async Task Repeated_prediction_ids_are_duplicates_and_stored_once()
    {
        var model = await ModelAsync();
        var first = await PostOkAsync(client, $"/api/v1/models/{model}/predictions",
            """[{"predictionId": "d1", "prediction": 1}, {"predictionId": "d2", "prediction": 0}, {"predictionId": "d1", "prediction": 0}]""");
        Assert.Equal(2, first["accepted"]!.GetValue<int>());
        Assert.Equal(1, first["duplicates"]!.GetValue<int>());
        var again = await PostOkAsync(client, $"/api/v1/models/{model}/predictions", """[{"predictionId": "d1", "prediction": 1}, {"predictionId": "d3", "prediction": 1}]""");
        Assert.Equal(1, again["accepted"]!.GetValue<int>());
        Assert.Equal(1, again["duplicates"]!.GetValue<int>());
        Assert.Equal(3, await StoredPredictionsAsync(factory, model));
        Assert.Equal(3, (await SummaryAsync(client, model))["predictions"]!.GetValue<long>());
    }

    [Fact]
    public async Task Ndjson_body_is_accepted_line_by_line()
    {
        var model = await ModelAsync();
        var lines = string.Join("\n", Enumerable.Range(0, 50).Select(i => $$$"""{"predictionId": "n{{{i}}}", "prediction": {{{i % 2}}}, "score": 0.{{{i % 10}}}, "features": {"amount": {{{i}}}, "country": "DE"}}""")) + "\n\n";
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions", lines, "application/x-ndjson");
        Assert.Equal(50, answer["accepted"]!.GetValue<int>());
        Assert.Equal(50, await StoredPredictionsAsync(factory, model));
    }

    [Fact]
    public async Task Ndjson_with_an_invalid_item_rejects_that_line_by_index()
    {
        var model = await ModelAsync();
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions",
            "{\"predictionId\": \"a\", \"prediction\": 1}\n{\"predictionId\": \"b\", \"prediction\": 1, \"score\": 7}\n", "application/x-ndjson");
        Assert.Equal(1, answer["accepted"]!.GetValue<int>());
        Assert.Contains("score:", RejectedErrors(answer, 1));
    }

    [Fact]
    public async Task Malformed_ndjson_line_is_a_400_naming_the_line_and_stores_nothing()
    {
        var model = await ModelAsync();
        var (status, problem, _) = await PostJsonAsync(client, $"/api/v1/models/{model}/predictions",
            "{\"predictionId\": \"a\", \"prediction\": 1}\n{\"predictionId\": \"b\", \n", "application/x-ndjson");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem["errors"]?["line 2"]);
        Assert.Equal(0, await StoredPredictionsAsync(factory, model));
    }

    [Fact]
    public async Task More_than_ten_thousand_items_is_413()
    {
        var model = await ModelAsync();
        var body = "[" + string.Join(",", Enumerable.Range(0, 10_001).Select(i => $$"""{"predictionId": "{{i}}", "prediction": 1}""")) + "]";
        var (status, _, _) = await PostJsonAsync(client, $"/api/v1/models/{model}/predictions", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(0, await StoredPredictionsAsync(factory, model));
    }

    [Fact]
    public async Task Ten_thousand_items_are_accepted()
    {
        var model = await ModelAsync();
        var body = "[" + string.Join(",", Enumerable.Range(0, 10_000).Select(i => $$$"""{"predictionId": "{{{i}}}", "prediction": 1, "score": 0.8, "features": {"amount": {{{i % 900}}}, "country": "FR"}}""")) + "]";
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions", body);
        Assert.Equal(10_000, answer["accepted"]!.GetValue<int>());
        Assert.Equal(10_000, await StoredPredictionsAsync(factory, model));
    }

    [Fact]
    public async Task Regression_prediction_must_be_a_number()
    {
        var model = await ModelAsync("regression");
        var answer = await PostOkAsync(client, $"/api/v1/models/{model}/predictions", """[{"predictionId": "r1", "prediction": 12.5}, {"predictionId": "r2", "prediction": "high"}]""");
        Assert.Equal(1, answer["accepted"]!.GetValue<int>());
        Assert.Contains("prediction: must be a number", RejectedErrors(answer, 1));
    }

    [Fact]
    public async Task Unknown_model_is_404()
    {
        var (status, problem, _) = await PostJsonAsync(client, "/api/v1/models/no-such-model/predictions", """{"predictionId": "x", "prediction": 1}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("PUT /api/v1/models/no-such-model", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Key_scoped_to_another_model_is_403_and_own_model_is_allowed()
    {
        var model = await ModelAsync();
        using var other = factory.CreateApiClient(PortalFactory.ScopedKey("some-other-model"));
        var (status, _, _) = await PostJsonAsync(other, $"/api/v1/models/{model}/predictions", """{"predictionId": "x", "prediction": 1}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);

        using var own = factory.CreateApiClient(PortalFactory.ScopedKey(model));
        await PostOkAsync(own, $"/api/v1/models/{model}/predictions", """{"predictionId": "x", "prediction": 1}""");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Missing_or_wrong_key_is_401(string? key)
    {
        using var anonymous = factory.CreateApiClient(key);
        using var response = await anonymous.PostAsync("/api/v1/models/any/predictions", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
