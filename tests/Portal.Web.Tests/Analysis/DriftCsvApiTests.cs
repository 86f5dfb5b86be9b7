using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Analysis;

public sealed class DriftCsvApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Csv_upload_gives_the_same_report_as_json()
    {
        var reference = Enumerable.Range(0, 200).Select(i => (age: 20 + (i % 40), country: i % 3 == 0 ? "DE" : "FR")).ToArray();
        var current = Enumerable.Range(0, 150).Select(i => (age: 35 + (i % 40), country: i % 2 == 0 ? "DE" : "FR")).ToArray();

        using var form = new MultipartFormDataContent
        {
            { File("age,country\n" + string.Join("\n", reference.Select(r => $"{r.age},{r.country}"))), "reference", "reference.csv" },
            { File("age,country\n" + string.Join("\n", current.Select(r => $"{r.age},{r.country}"))), "current", "current.csv" },
            { new StringContent("""{"tests": {"age": ["ks", "psi"]}}"""), "options" },
        };
        using var client = factory.CreateApiClient();
        using var csvResponse = await client.PostAsync("/api/v1/analysis/drift/csv", form);
        var csvReport = JsonNode.Parse(await csvResponse.Content.ReadAsStringAsync())!;
        Assert.True(csvResponse.StatusCode == HttpStatusCode.OK, csvReport.ToJsonString());

        var json = new JsonObject
        {
            ["reference"] = new JsonObject { ["age"] = new JsonArray(reference.Select(r => (JsonNode)r.age).ToArray()), ["country"] = new JsonArray(reference.Select(r => (JsonNode)r.country).ToArray()) },
            ["current"] = new JsonObject { ["age"] = new JsonArray(current.Select(r => (JsonNode)r.age).ToArray()), ["country"] = new JsonArray(current.Select(r => (JsonNode)r.country).ToArray()) },
            ["tests"] = new JsonObject { ["age"] = new JsonArray("ks", "psi") },
        };
        using var jsonResponse = await client.PostAsync("/api/v1/analysis/drift", new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"));
        var jsonReport = JsonNode.Parse(await jsonResponse.Content.ReadAsStringAsync())!;

        Assert.Equal("numerical", (string)csvReport["columnResults"]![0]!["type"]!);
        Assert.Equal("categorical", (string)csvReport["columnResults"]![1]!["type"]!);
        Assert.True((bool)csvReport["columnResults"]![0]!["drifted"]!);
        JsonAssert.Matches(jsonReport, csvReport);
    }

    [Fact]
    public async Task Csv_row_with_wrong_cell_count_names_the_row()
    {
        using var form = new MultipartFormDataContent
        {
            { File("a,b\n1,2\n3\n"), "reference", "reference.csv" },
            { File("a,b\n1,2\n"), "current", "current.csv" },
        };
        using var client = factory.CreateApiClient();
        using var response = await client.PostAsync("/api/v1/analysis/drift/csv", form);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("reference[row 3]"), problem.ToJsonString());
    }

    [Fact]
    public async Task Csv_without_current_file_names_it()
    {
        using var form = new MultipartFormDataContent { { File("a\n1\n"), "reference", "reference.csv" } };
        using var client = factory.CreateApiClient();
        using var response = await client.PostAsync("/api/v1/analysis/drift/csv", form);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("current"), problem.ToJsonString());
    }

    private static ByteArrayContent File(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return content;
    }
}
