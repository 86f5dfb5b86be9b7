using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;

namespace Portal.Web.Tests.Validation;

/// <summary>
/// The typed request bodies (models, drift and fairness settings, analysis) answer bad input with one problem+json
/// that names every bad field by its JSON path, and keep refusing what they refused before they were typed.
/// </summary>
public sealed class TypedBodyErrorTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const string Model = "typed-bodies";

    [Theory]
    [InlineData("POST", "/api/v1/analysis/regression", """{"yTrue": [1e300, 2], "yPred": [1]}""", "yTrue[0]", "yPred")]
    [InlineData("POST", "/api/v1/analysis/classification", """{"yTrue": [1, null], "yPred": [1, 0], "yScore": [0.5]}""", "yTrue[1]", "yScore")]
    [InlineData("POST", "/api/v1/analysis/experiment", """{"kind": "proportions", "control": {"successes": 3}, "treatment": {"trials": 10}}""", "control.trials", "treatment.successes")]
    [InlineData("POST", "/api/v1/analysis/experiment", """{"kind": "srm", "observed": [1.5, 10], "split": [0.5, 2e20]}""", "observed[0]", "split[1]")]
    [InlineData("POST", "/api/v1/analysis/drift", """{"reference": {"a": [1, "x"]}, "current": {"a": [1, 2]}, "columnTypes": {"a": "numerical"}, "driftShare": 2}""", "reference.a[1]", "driftShare")]
    [InlineData("PUT", "/api/v1/models/" + Model + "-new", """{"taskType": "ranking", "lowConfidenceThreshold": 2}""", "taskType", "lowConfidenceThreshold")]
    [InlineData("PUT", "/api/v1/models/" + Model, """{"versions": [{"description": "no version"}], "features": [{"name": "a", "type": "text"}]}""", "versions[0].version", "features[0].type")]
    [InlineData("PUT", "/api/v1/models/" + Model + "/drift/settings", """{"cron": "every hour", "minSampleSize": 0}""", "cron", "minSampleSize")]
    [InlineData("PUT", "/api/v1/models/" + Model + "/drift/settings", """{"features": {"country": {"test": "ks"}, "amount": {"threshold": 0.2}}}""", "features.country.test", "features.amount.threshold")]
    [InlineData("PUT", "/api/v1/models/" + Model + "/fairness/settings", """{"attributes": ["zip"], "threshold": 2}""", "attributes[0]", "threshold")]
    public async Task Two_bad_fields_are_two_errors_by_json_path(string method, string path, string body, string first, string second)
    {
        var problem = await SendExpecting400Async(method, path, body);

        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(first) && errors.ContainsKey(second), problem.ToJsonString());
        Assert.Equal(2, errors.Count);
    }

    [Theory]
    [InlineData("POST", "/api/v1/analysis/regression", """{"yTrue": ["1", 2], "yPred": [1, 2]}""", "yTrue[0]")]
    [InlineData("POST", "/api/v1/analysis/classification", """{"yTrue": [1, 0], "yPred": [1, 0], "yScore": ["0.5", 0.5]}""", "yScore[0]")]
    [InlineData("POST", "/api/v1/analysis/experiment", """{"kind": "obrienFleming", "informationFraction": 0.5, "alpha": "0.05"}""", "alpha")]
    [InlineData("POST", "/api/v1/analysis/drift", """{"reference": {"a": [1, 2]}, "current": {"a": [1, 2]}, "thresholds": {"ks": "0.05"}}""", "thresholds.ks")]
    [InlineData("PUT", "/api/v1/models/" + Model, """{"lowConfidenceThreshold": "0.5"}""", "lowConfidenceThreshold")]
    [InlineData("PUT", "/api/v1/models/" + Model + "/drift/settings", """{"driftShare": "0.5"}""", "driftShare")]
    [InlineData("PUT", "/api/v1/models/" + Model + "/fairness/settings", """{"attributes": [], "minGroupSize": "10"}""", "minGroupSize")]
    public async Task A_number_sent_as_text_is_still_refused_naming_the_field(string method, string path, string body, string field)
    {
        var problem = await SendExpecting400Async(method, path, body);

        Assert.True(problem["errors"]?.AsObject().ContainsKey(field) == true, problem.ToJsonString());
    }

    [Theory]
    [InlineData("/api/v1/analysis/regression")]
    [InlineData("/api/v1/analysis/drift")]
    [InlineData("/api/v1/models/" + Model + "/fairness/settings")]
    public async Task A_body_that_is_not_an_object_is_named_at_the_root(string path)
    {
        var method = path.StartsWith("/api/v1/analysis", StringComparison.Ordinal) ? "POST" : "PUT";
        foreach (var body in new[] { "null", "[1]", "\"x\"" })
        {
            var problem = await SendExpecting400Async(method, path, body);
            Assert.Contains("JSON object", problem["errors"]!["$"]![0]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_null_description_clears_it_and_an_absent_one_keeps_it()
    {
        using var client = factory.CreateApiClient();
        await SendAsync(client, "PUT", "/api/v1/models/" + Model + "-describe", """{"taskType": "binary", "description": "kept", "owner": "me"}""");

        var (_, kept) = await SendAsync(client, "PUT", "/api/v1/models/" + Model + "-describe", """{"owner": null}""");
        var (_, cleared) = await SendAsync(client, "PUT", "/api/v1/models/" + Model + "-describe", """{"description": null}""");

        Assert.Equal("kept", kept["description"]!.GetValue<string>());
        Assert.Null(kept["owner"]);
        Assert.Null(cleared["description"]);
    }

    private async Task<JsonNode> SendExpecting400Async(string method, string path, string body)
    {
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, Model);
        var (status, problem) = await SendAsync(client, method, path, body);
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {problem.ToJsonString()}");
        return problem;
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(HttpClient client, string method, string path, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return (response.StatusCode, JsonNode.Parse(text)!);
    }
}
