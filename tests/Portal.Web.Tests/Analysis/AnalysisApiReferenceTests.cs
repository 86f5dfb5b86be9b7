using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portal.Analysis.Tests.Reference;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Analysis;

/// <summary>Every public reference case, sent through the REST API exactly as ../shared/tools/check-analysis-api.py does.</summary>
public sealed class AnalysisApiReferenceTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    public static TheoryData<string> AllCases => ReferenceCases.Ids(
        "numerical", "categorical", "auto", "welch", "proportions", "srm", "sampleSize", "obrienFleming", "classification", "multiclass", "regression");

    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task Api_answers_the_reference_case_with_the_documented_fields(string id)
    {
        var c = ReferenceCases.ById(id);
        var kind = (string)c["kind"]!;
        var expected = c["expected"]!.DeepClone().AsObject();
        var (route, body) = kind switch
        {
            "numerical" or "categorical" => ("/api/v1/analysis/drift", new JsonObject
            {
                ["reference"] = new JsonObject { ["x"] = c["reference"]!.DeepClone() },
                ["current"] = new JsonObject { ["x"] = c["current"]!.DeepClone() },
                ["columnTypes"] = new JsonObject { ["x"] = kind },
                ["tests"] = new JsonObject { ["x"] = new JsonArray(expected.Select(p => p.Key).Where(k => k != "quantiles").Select(k => (JsonNode)k).ToArray()) },
            }),
            "auto" => ("/api/v1/analysis/drift", new JsonObject
            {
                ["reference"] = new JsonObject { ["x"] = c["reference"]!.DeepClone() },
                ["current"] = new JsonObject { ["x"] = c["current"]!.DeepClone() },
                ["columnTypes"] = new JsonObject { ["x"] = c["columnType"]!.DeepClone() },
            }),
            "classification" or "multiclass" => ("/api/v1/analysis/classification", Without(c, "id", "kind", "expected")),
            "regression" => ("/api/v1/analysis/regression", Without(c, "id", "kind", "expected")),
            _ => ("/api/v1/analysis/experiment", Without(c, "id", "expected")),
        };

        using var client = factory.CreateApiClient();
        using var response = await client.PostAsJsonAsync(route, body);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route} answered {(int)response.StatusCode}: {answer?.ToJsonString()}");

        switch (kind)
        {
            case "numerical" or "categorical":
                expected.Remove("quantiles");
                JsonAssert.Matches(expected, answer!["columnResults"]![0]!["results"]);
                break;
            case "auto":
                JsonAssert.Matches(expected, answer!["columnResults"]![0]);
                break;
            default:
                JsonAssert.Matches(expected, answer);
                break;
        }
    }

    private static JsonObject Without(JsonObject source, params string[] keys)
    {
        var copy = source.DeepClone().AsObject();
        foreach (var key in keys)
        {
            copy.Remove(key);
        }

        return copy;
    }
}
