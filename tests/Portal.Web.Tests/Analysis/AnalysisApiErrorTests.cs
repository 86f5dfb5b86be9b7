using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Analysis;

/// <summary>Bad input is answered with problem+json that names the field at fault.</summary>
public sealed class AnalysisApiErrorTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Mismatched_lengths_name_yPred()
    {
        var problem = await PostExpectingProblem("/api/v1/analysis/regression", new { yTrue = new[] { 1.0, 2.0 }, yPred = new[] { 1.0 } });
        Assert.Contains("has 1 values; yTrue has 2", ErrorFor(problem, "yPred"));
    }

    [Fact]
    public async Task Unknown_test_id_names_the_column_tests()
    {
        var problem = await PostExpectingProblem("/api/v1/analysis/drift", new
        {
            reference = new { age = new[] { 1.0, 2.0, 3.0 } },
            current = new { age = new[] { 1.0, 2.0, 3.0 } },
            tests = new { age = new[] { "ks", "nope" } },
        });
        Assert.Contains("unknown test 'nope'", ErrorFor(problem, "tests.age"));
    }

    [Fact]
    public async Task Non_numeric_value_in_a_numerical_column_names_the_item()
    {
        var body = JsonNode.Parse("""
            {"reference": {"age": [1, "abc", 3]}, "current": {"age": [1, 2, 3]}, "columnTypes": {"age": "numerical"}}
            """);
        var problem = await PostExpectingProblem("/api/v1/analysis/drift", body);
        Assert.Contains("\"abc\" is not a number", ErrorFor(problem, "reference.age[1]"));
    }

    [Fact]
    public async Task Empty_array_is_rejected_by_name()
    {
        var problem = await PostExpectingProblem("/api/v1/analysis/drift", new { reference = new { age = Array.Empty<double>() }, current = new { age = new[] { 1.0 } } });
        Assert.Contains("must not be empty", ErrorFor(problem, "reference.age"));
    }

    [Fact]
    public async Task Column_missing_from_current_is_named()
    {
        var problem = await PostExpectingProblem("/api/v1/analysis/drift", new { reference = new { age = new[] { 1.0 } }, current = new { income = new[] { 1.0 } } });
        Assert.NotNull(ErrorFor(problem, "current.age"));
    }

    [Fact]
    public async Task Unknown_experiment_kind_is_named()
    {
        var problem = await PostExpectingProblem("/api/v1/analysis/experiment", new { kind = "bayes" });
        Assert.Contains("'bayes'", ErrorFor(problem, "kind"));
    }

    [Fact]
    public async Task Proportion_arm_fields_are_named_with_their_arm()
    {
        var problem = await PostExpectingProblem("/api/v1/analysis/experiment", new { kind = "proportions", control = new { successes = 3 }, treatment = new { successes = 4, trials = 10 } });
        Assert.NotNull(ErrorFor(problem, "control.trials"));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var client = factory.CreateApiClient();
        using var response = await client.PostAsync("/api/v1/analysis/regression", new StringContent("{\"yTrue\": [1, 2", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        using var client = factory.CreateApiClient();
        var huge = "{\"yTrue\": [" + string.Join(",", Enumerable.Repeat("1.0", (int)(PortalFactory.AnalysisMaxBodyBytes / 4) + 10)) + "], \"yPred\": [1]}";
        using var response = await client.PostAsync("/api/v1/analysis/regression", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Missing_or_wrong_api_key_is_401(string? key)
    {
        using var client = factory.CreateApiClient(key);
        using var response = await client.PostAsJsonAsync("/api/v1/analysis/regression", new { yTrue = new[] { 1.0 }, yPred = new[] { 1.0 } });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<JsonNode> PostExpectingProblem(string route, object? body)
    {
        using var client = factory.CreateApiClient();
        using var response = await client.PostAsJsonAsync(route, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!;
    }

    private static string ErrorFor(JsonNode problem, string field)
    {
        var errors = problem["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"no error for '{field}' in {problem.ToJsonString()}");
        return errors![field]![0]!.GetValue<string>();
    }
}
