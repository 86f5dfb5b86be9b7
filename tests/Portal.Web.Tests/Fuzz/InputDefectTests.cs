using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Features.Dashboards;
using Portal.Web.Features.Ingestion.Storage;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using Portal.Web.Infrastructure.Dashboards;
using Portal.Web.Features.Models;

namespace Portal.Web.Tests.Fuzz;

/// <summary>
/// The defects of "bad input never gives a 500, never poisons data, never takes minutes" (issues 14 and 23), one test
/// each: every one of them failed before the fix.
/// </summary>
public sealed class InputDefectTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly byte[] InvalidUtf8 = [0xC3, 0x28];

    [Fact]
    public async Task Invalid_utf8_in_a_prediction_id_rejects_that_item_naming_the_field()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "utf8-items");
        var body = Bytes("[{\"predictionId\": \"good-1\", \"prediction\": 1}, {\"predictionId\": \"bad-", InvalidUtf8, "\", \"prediction\": 1}]");

        var (status, answer) = await SendAsync(client, HttpMethod.Post, "/api/v1/models/utf8-items/predictions", body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, answer["accepted"]!.GetValue<int>());
        Assert.Contains("predictionId: is not valid UTF-8", RejectedErrors(answer, 1));
        Assert.Equal(1, await StoredPredictionsAsync(factory, "utf8-items"));
    }

    [Theory]
    [InlineData("""{"predictionId": "n1", "prediction": 1, "segment": "a\u0000b"}""", "segment: must not contain the NUL")]
    [InlineData("""{"predictionId": "n\u0000", "prediction": 1}""", "predictionId: must not contain the NUL")]
    [InlineData("""{"predictionId": "n2", "prediction": "\u0000"}""", "prediction: must not contain the NUL")]
    [InlineData("""{"predictionId": "n3", "prediction": 1, "features": {"amount": 3, "x\u0000": 1}}""", "features: a property name must not contain the NUL")]
    [InlineData("""{"predictionId": "n4", "prediction": 1, "features": {"amount": 3, "country": "D\u0000E"}}""", "features.country: must not contain the NUL")]
    public async Task Nul_in_stored_text_is_refused_per_item_naming_the_field(string item, string expected)
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "nul-items");
        var before = await StoredPredictionsAsync(factory, "nul-items");

        var answer = await PostOkAsync(client, "/api/v1/models/nul-items/predictions", $"[{item}]");

        Assert.Contains(expected, RejectedErrors(answer, 0));
        Assert.Equal(before, await StoredPredictionsAsync(factory, "nul-items"));
    }

    [Fact]
    public async Task An_item_refused_for_a_nul_lists_every_error_it_has()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "nul-all-errors");

        var answer = await PostOkAsync(client, "/api/v1/models/nul-all-errors/predictions",
            """[{"predictionId": "n\u0000", "segment": "a\u0000b", "latencyMs": -5}]""");

        var errors = RejectedErrors(answer, 0);
        Assert.Contains("predictionId: must not contain the NUL", errors);
        Assert.Contains("segment: must not contain the NUL", errors);
        Assert.Contains("latencyMs:", errors);
        Assert.Contains("prediction: is required", errors);
    }

    [Fact]
    public async Task Invalid_utf8_or_nul_in_a_model_description_is_a_400_naming_description()
    {
        using var client = factory.CreateApiClient();
        var (status, problem) = await SendAsync(client, HttpMethod.Put, "/api/v1/models/utf8-model",
            Bytes("{\"taskType\": \"binary\", \"description\": \"x", InvalidUtf8, "\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("UTF-8", ErrorFor(problem, "description"));

        (status, problem) = await SendAsync(client, HttpMethod.Put, "/api/v1/models/utf8-model",
            Bytes("""{"taskType": "binary", "features": [{"name": "a\u0000", "type": "numerical"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("NUL", ErrorFor(problem, "features[0].name"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/models/utf8-model")).StatusCode);
    }

    [Fact]
    public async Task Nul_in_a_label_is_refused_per_item_and_nul_in_a_model_description_is_a_400_naming_description()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "nul-labels", "multiclass", []);
        await PostOkAsync(client, "/api/v1/models/nul-labels/predictions", """{"predictionId": "l1", "prediction": "cat"}""");

        var feedback = await PostOkAsync(client, "/api/v1/models/nul-labels/feedback", """[{"predictionId": "l1", "label": "c\u0000at"}]""");
        var (status, problem) = await SendAsync(client, HttpMethod.Put, "/api/v1/models/nul-description",
            Bytes("""{"taskType": "binary", "description": "x\u0000y"}"""));

        Assert.Contains("label: must not contain the NUL", RejectedErrors(feedback, 0));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("NUL", ErrorFor(problem, "description"));
    }

    [Fact]
    public async Task Nul_in_a_typed_body_string_is_a_400_naming_its_path()
    {
        using var client = factory.CreateApiClient();
        var (status, problem) = await SendAsync(client, HttpMethod.Post, "/api/v1/api-keys", Bytes("""{"name": "k\u0000", "scope": "admin"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("NUL", ErrorFor(problem, "name"));
    }

    [Fact]
    public async Task A_storage_failure_answers_503_without_the_database_message()
    {
        using var failing = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IIngestionStore, FailingStore>()));
        using var client = failing.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", PortalFactory.ApiKey);
        await CreateModelAsync(client, "store-fails");

        var (status, body, _) = await PostJsonAsync(client, "/api/v1/models/store-fails/predictions", """{"predictionId": "1", "prediction": 1}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.DoesNotContain(FailingStore.Secret, body.ToJsonString());
        Assert.DoesNotContain("InvalidOperationException", body.ToJsonString());
    }

    [Theory]
    [InlineData("lf2%0A")]
    [InlineData("lf3%0D%0A")]
    public async Task A_model_name_with_a_trailing_newline_is_refused(string name)
    {
        using var client = factory.CreateApiClient();
        using var response = await client.PutAsJsonAsync($"/api/v1/models/{name}", new { taskType = "binary" });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(ErrorFor(problem, "model"));
    }

    [Fact]
    public async Task An_experiment_id_with_a_trailing_newline_is_refused()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "nl-exp");
        var definition = JsonNode.Parse(FuzzTargets.ExperimentDefinition("exp-nl"))!;
        definition["id"] = "exp-nl\n";
        definition["model"] = "nl-exp";
        await client.PutAsJsonAsync("/api/v1/models/nl-exp", new { versions = new[] { "v1", "v2" } });

        using var response = await client.PostAsJsonAsync("/api/v1/experiments", definition);

        Assert.NotNull(ErrorFor(await ProblemAsync(response, HttpStatusCode.BadRequest), "id"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("1")]
    [InlineData("null")]
    public async Task Experiment_analysis_of_a_body_that_is_not_an_object_is_a_400(string body)
    {
        using var client = factory.CreateApiClient();
        var (status, problem) = await SendAsync(client, HttpMethod.Post, "/api/v1/analysis/experiment", Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("JSON object", ErrorFor(problem, "$"));
    }

    [Fact]
    public async Task Drift_csv_without_a_boundary_or_with_garbage_multipart_is_a_400()
    {
        using var client = factory.CreateApiClient();
        var noBoundary = new ByteArrayContent("--x\r\n\r\n"u8.ToArray());
        noBoundary.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
        using var first = await client.PostAsync("/api/v1/analysis/drift/csv", noBoundary);
        Assert.NotNull(ErrorFor(await ProblemAsync(first, HttpStatusCode.BadRequest), "$"));

        var garbage = new ByteArrayContent("--b\r\nContent-Disposition: form-data; name=\"reference\"\r\n\r\nno end"u8.ToArray());
        garbage.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        using var second = await client.PostAsync("/api/v1/analysis/drift/csv", garbage);
        Assert.NotNull(ErrorFor(await ProblemAsync(second, HttpStatusCode.BadRequest), "$"));
    }

    [Fact]
    public async Task Drift_csv_with_too_many_form_fields_is_a_400()
    {
        using var client = factory.CreateApiClient();
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < 1100; i++)
        {
            form.Add(new StringContent("1"), $"f{i}");
        }

        using var response = await client.PostAsync("/api/v1/analysis/drift/csv", form);
        Assert.NotNull(ErrorFor(await ProblemAsync(response, HttpStatusCode.BadRequest), "$"));
    }

    [Fact]
    public async Task Drift_csv_options_that_are_not_an_object_name_options()
    {
        using var client = factory.CreateApiClient();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("a\n1\n2\n"), "reference", "reference.csv" },
            { new StringContent("a\n1\n2\n"), "current", "current.csv" },
            { new StringContent("[1]"), "options" },
        };

        using var response = await client.PostAsync("/api/v1/analysis/drift/csv", form);
        Assert.Contains("JSON object", ErrorFor(await ProblemAsync(response, HttpStatusCode.BadRequest), "options"));
    }

    [Theory]
    [InlineData("""{"predictionId": "h1", "prediction": 1, "latencyMs": 1e308}""", "latencyMs")]
    [InlineData("""{"predictionId": "h2", "prediction": 1, "features": {"amount": 1e308}}""", "features.amount")]
    [InlineData("""{"predictionId": "h3", "prediction": 1, "features": {"unknown": -1e300}}""", "features.unknown")]
    public async Task Huge_numbers_are_refused_naming_the_field(string item, string field)
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "huge");

        var answer = await PostOkAsync(client, "/api/v1/models/huge/predictions", $"[{item}]");

        Assert.StartsWith(field + ":", RejectedErrors(answer, 0));
    }

    [Fact]
    public async Task Huge_labels_and_resource_values_are_refused()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "huge-reg", "regression", []);
        await PostOkAsync(client, "/api/v1/models/huge-reg/predictions", """{"predictionId": "r1", "prediction": 1}""");

        var feedback = await PostOkAsync(client, "/api/v1/models/huge-reg/feedback", """[{"predictionId": "r1", "label": 1e308}]""");
        Assert.StartsWith("label:", RejectedErrors(feedback, 0));

        var resources = await PostOkAsync(client, "/api/v1/resources", """[{"host": "h", "memoryBytes": 1e308}]""");
        Assert.StartsWith("memoryBytes:", RejectedErrors(resources, 0));
    }

    [Fact]
    public async Task Summary_and_health_tab_survive_infinite_sums_already_stored()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "poisoned", "regression", [new { name = "amount", type = "numerical" }]);
        var minute = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var id = (await db.Models.SingleAsync(m => m.Name == "poisoned")).Id;
            db.PredictionRollups.Add(new PredictionRollup
            {
                ModelId = id, Version = "", MinuteMs = minute, Count = 2, LatencyCount = 2, LatencySumMs = double.PositiveInfinity,
                LatencyMaxMs = double.PositiveInfinity, ValueCount = 2, ValueSum = double.PositiveInfinity, ValueSumSq = double.PositiveInfinity,
            });
            db.FeatureRollups.Add(new FeatureRollup
            {
                ModelId = id, Feature = "amount", MinuteMs = minute, Type = FeatureType.Numerical, Count = 2, Min = double.NegativeInfinity,
                Max = double.PositiveInfinity, Sum = double.PositiveInfinity, SumSq = double.PositiveInfinity,
            });
            db.QualityRollups.Add(new QualityRollup
            {
                ModelId = id, Version = "", MinuteMs = minute, Labelled = 2, AbsErrorSum = double.PositiveInfinity, SqErrorSum = double.PositiveInfinity,
                LabelSum = double.PositiveInfinity, LabelSumSq = double.PositiveInfinity,
            });
            await db.SaveChangesAsync();
        }

        var summary = await SummaryAsync(client, "poisoned");
        Assert.Equal(2, summary["predictions"]!.GetValue<long>());
        Assert.Null(summary["latencyMs"]!["mean"]);

        await using var health = factory.Services.CreateAsyncScope();
        var directory = health.ServiceProvider.GetRequiredService<ModelDirectory>();
        var header = (await directory.FindAsync("poisoned"))!;
        var db2 = health.ServiceProvider.GetRequiredService<PortalDbContext>();
        var range = TimeRange.Create(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1), TimeSpan.FromMinutes(5));
        var traffic = await HealthDashboard.LoadTrafficAsync(db2, header, range, null, CancellationToken.None);
        var accuracy = await HealthDashboard.LoadAccuracyAsync(db2, header, range, null, CancellationToken.None);
        // The charts serialize these for Plotly with System.Text.Json, which throws on Infinity.
        JsonSerializer.Serialize(traffic);
        JsonSerializer.Serialize(accuracy);
    }

    [Fact]
    public async Task Model_put_bounds_features_and_versions()
    {
        using var client = factory.CreateApiClient();
        var features = Enumerable.Range(0, 1001).Select(i => new { name = $"f{i}", type = "numerical" }).ToArray();
        using var tooMany = await client.PutAsJsonAsync("/api/v1/models/many-features", new { taskType = "binary", features });
        Assert.Contains("at most 1000", ErrorFor(await ProblemAsync(tooMany, HttpStatusCode.BadRequest), "features"));

        var versions = Enumerable.Range(0, 1001).Select(i => $"v{i}").ToArray();
        using var tooManyVersions = await client.PutAsJsonAsync("/api/v1/models/many-versions", new { taskType = "binary", versions });
        Assert.Contains("at most 1000", ErrorFor(await ProblemAsync(tooManyVersions, HttpStatusCode.BadRequest), "versions"));

        using var atLimit = await client.PutAsJsonAsync("/api/v1/models/many-features", new { taskType = "binary", features = features[..1000], versions = versions[..1000] });
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
    }

    [Fact]
    public async Task Model_put_bounds_the_categories_of_a_feature()
    {
        using var client = factory.CreateApiClient();
        var categories = Enumerable.Range(0, 10_001).Select(i => $"c{i}").ToArray();

        using var tooMany = await client.PutAsJsonAsync("/api/v1/models/many-categories",
            new { taskType = "binary", features = new[] { new { name = "country", type = "categorical", categories } } });
        using var atLimit = await client.PutAsJsonAsync("/api/v1/models/many-categories",
            new { taskType = "binary", features = new[] { new { name = "country", type = "categorical", categories = categories[..10_000] } } });

        Assert.Contains("at most 10000", ErrorFor(await ProblemAsync(tooMany, HttpStatusCode.BadRequest), "features[0].categories"));
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
    }

    [Fact]
    public async Task Model_list_is_paged_with_total_and_next_link()
    {
        using var client = factory.CreateApiClient();
        foreach (var name in new[] { "page-a", "page-b", "page-c" })
        {
            await CreateModelAsync(client, name);
        }

        using var response = await client.GetAsync("/api/v1/models?limit=2&offset=0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(2, page.Count);
        var total = int.Parse(response.Headers.GetValues("X-Total-Count").Single());
        Assert.True(total >= 3);
        Assert.Contains("offset=2", response.Headers.GetValues("Link").Single());

        using var tooLarge = await client.GetAsync("/api/v1/models?limit=100000");
        Assert.NotNull(ErrorFor(await ProblemAsync(tooLarge, HttpStatusCode.BadRequest), "limit"));
    }

    [Fact]
    public async Task A_csv_reference_with_an_unterminated_quote_is_refused_naming_the_line()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "csv-quote");
        var csv = "amount,country\n1,DE\n2,\"FR\n3,DE\n4,FR\n";

        using var response = await client.PutAsync("/api/v1/models/csv-quote/reference", new StringContent(csv, Encoding.UTF8, "text/csv"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("line 3", ErrorFor(problem, "reference[row 3]"));
        Assert.Contains("never closed", ErrorFor(problem, "reference[row 3]"));
    }

    [Fact]
    public async Task A_reference_with_more_columns_than_a_model_may_have_features_is_refused()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "wide-reference");
        var header = string.Join(",", Enumerable.Range(0, 1001).Select(i => $"c{i}"));
        var row = string.Join(",", Enumerable.Repeat("1", 1001));

        using var response = await client.PutAsync("/api/v1/models/wide-reference/reference", new StringContent($"{header}\n{row}\n", Encoding.UTF8, "text/csv"));

        Assert.Contains("at most one per feature", ErrorFor(await ProblemAsync(response, HttpStatusCode.BadRequest), "columns"));
    }

    [Fact]
    public async Task Drift_settings_refuse_a_fixed_window_from_year_1_to_9999()
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, "drift-window");

        using var response = await client.PutAsJsonAsync("/api/v1/models/drift-window/drift/settings",
            new { window = "fixed", fixedStart = "0001-01-01T00:00:00Z", fixedEnd = "9999-12-31T00:00:00Z" });

        Assert.Contains("2000-01-01", ErrorFor(await ProblemAsync(response, HttpStatusCode.BadRequest), "fixedStart"));
    }

    [Fact]
    public void A_stored_fixed_window_out_of_range_is_clamped_for_the_job()
    {
        var now = new DateTime(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);
        var settings = Portal.Web.Features.Drift.Monitoring.DriftSettingsView.Defaults with
        {
            Window = Portal.Data.Entities.Jobs.DriftWindow.Fixed, FixedStart = DateTime.MinValue, FixedEnd = DateTime.MaxValue,
        };

        var (start, end) = settings.WindowAt(now);

        Assert.Equal(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), start);
        Assert.Equal(now.AddDays(1), end);
    }

    [Theory]
    [InlineData("[1e300, 10]", "observed[0]", "beyond")]
    [InlineData("[10, 9007199254740993]", "observed[1]", "beyond")]
    [InlineData("[-1, 10]", "observed[0]", "whole number")]
    [InlineData("[1.5, 10]", "observed[0]", "whole number")]
    public async Task Srm_refuses_counts_that_are_not_exact_whole_numbers(string observed, string field, string reason)
    {
        using var client = factory.CreateApiClient();
        var (status, problem) = await SendAsync(client, HttpMethod.Post, "/api/v1/analysis/experiment",
            Encoding.UTF8.GetBytes($$"""{"kind": "srm", "observed": {{observed}}, "split": [0.5, 0.5]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, ErrorFor(problem, field));
    }

    [Theory]
    [InlineData("/api/v1/alert-rules", """{"name": "r", "metric": "errorRate", "severity": "apocalyptic"}""", "severity")]
    [InlineData("/api/v1/alert-rules", """{"name": "r", "threshold": "high"}""", "threshold")]
    [InlineData("/api/v1/api-keys", """{"name": ["k"], "scope": "admin"}""", "name")]
    public async Task A_typed_body_with_a_wrong_type_names_the_json_path(string route, string body, string field)
    {
        using var client = factory.CreateApiClient();
        var (status, problem) = await SendAsync(client, HttpMethod.Post, route, Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(ErrorFor(problem, field));
    }

    private static byte[] Bytes(string head, byte[] middle, string tail) => [.. Encoding.UTF8.GetBytes(head), .. middle, .. Encoding.UTF8.GetBytes(tail)];

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(HttpClient client, HttpMethod method, string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = content });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{method} {path}: {(int)response.StatusCode} {text}");
        if ((int)response.StatusCode >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!);
    }

    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!;
    }

    private static string ErrorFor(JsonNode problem, string field)
    {
        var errors = problem["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"no error for '{field}' in {problem.ToJsonString()}");
        return errors![field]![0]!.GetValue<string>();
    }

    private sealed class FailingStore : IIngestionStore
    {
        public const string Secret = "relation \"secret_table\" does not exist";

        public IIngestionBatch Begin() => throw new InvalidOperationException(Secret);

        public void Dispose()
        {
        }
    }
}
