using System.Net;
using System.Text.Json.Nodes;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Experiments.ExperimentApi;

namespace Portal.Web.Tests.Drift;

/// <summary>Saved ad-hoc drift reports: save, list, open (the stored result) and delete, over REST.</summary>
public sealed class SavedDriftReportTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static JsonObject Analysis() => new()
    {
        ["reference"] = new JsonObject { ["amount"] = new JsonArray(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), ["merchant"] = new JsonArray("a", "b", "a", "b", "a", "b", "a", "b", "a", "b") },
        ["current"] = new JsonObject { ["amount"] = new JsonArray(11, 12, 13, 14, 15, 16, 17, 18, 19, 20), ["merchant"] = new JsonArray("a", "b", "a", "b", "a", "b", "a", "b", "a", "b") },
        ["columnTypes"] = new JsonObject { ["merchant"] = "categorical" },
    };

    private static JsonObject SaveBody(string name)
    {
        var body = Analysis();
        body["name"] = name;
        body["referenceName"] = "training data";
        body["currentName"] = "last week";
        return body;
    }

    private static string Reports(string model) => $"/api/v1/models/{model}/drift/reports";

    [Fact]
    public async Task A_saved_report_is_listed_opened_with_the_result_of_the_analysis_and_deleted()
    {
        var model = await CreateModelAsync(factory);
        using var admin = factory.CreateApiClient();

        var saved = await OkAsync(admin, HttpMethod.Post, Reports(model), SaveBody("before the rollout"), HttpStatusCode.Created);
        var id = saved["id"]!.GetValue<int>();
        Assert.Equal("before the rollout", saved["name"]!.GetValue<string>());
        Assert.StartsWith("api-key:", saved["createdBy"]!.GetValue<string>(), StringComparison.Ordinal);

        var list = (await OkAsync(admin, HttpMethod.Get, Reports(model))).AsArray();
        var listed = Assert.Single(list);
        Assert.Equal(id, listed!["id"]!.GetValue<int>());
        Assert.Equal(("training data", "last week", model), (listed["reference"]!.GetValue<string>(), listed["current"]!.GetValue<string>(), listed["model"]!.GetValue<string>()));
        Assert.True(listed["datasetDrift"]!.GetValue<bool>());
        Assert.Equal(1, listed["driftedColumns"]!.GetValue<int>());

        // The stored result is the analysis API's answer on the same data.
        var expected = await OkAsync(admin, HttpMethod.Post, "/api/v1/analysis/drift", Analysis());
        var opened = await OkAsync(admin, HttpMethod.Get, $"{Reports(model)}/{id}");
        Assert.True(JsonNode.DeepEquals(expected, opened["report"]), $"{expected.ToJsonString()} vs {opened["report"]!.ToJsonString()}");

        // Another model does not see it.
        var other = await CreateModelAsync(factory);
        Assert.Empty((await OkAsync(admin, HttpMethod.Get, Reports(other))).AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(admin, HttpMethod.Get, $"{Reports(other)}/{id}")).Status);

        await OkAsync(admin, HttpMethod.Delete, $"{Reports(model)}/{id}", expected: HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(admin, HttpMethod.Get, $"{Reports(model)}/{id}")).Status);
        Assert.Empty((await OkAsync(admin, HttpMethod.Get, Reports(model))).AsArray());
    }

    [Theory]
    [InlineData("name", "")]
    [InlineData("referenceName", null)]
    [InlineData("currentName", "x")]
    [InlineData("reference", null)]
    public async Task A_save_without_a_required_field_answers_400_naming_it(string field, string? value)
    {
        var model = await CreateModelAsync(factory);
        using var admin = factory.CreateApiClient();
        var body = SaveBody("named");
        if (field == "currentName")
        {
            body[field] = new string('x', 201);
        }
        else
        {
            body[field] = value;
        }

        var (status, problem) = await SendAsync(admin, HttpMethod.Post, Reports(model), body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem["errors"]?[field]);
        Assert.Empty((await OkAsync(admin, HttpMethod.Get, Reports(model))).AsArray());
    }

    [Fact]
    public async Task Only_its_author_or_an_admin_deletes_a_saved_report_and_a_viewer_cannot_save()
    {
        var model = await CreateModelAsync(factory);
        using var author = await factory.SignInAsync("Engineer");
        using var otherEngineer = await factory.SignInAsync("Engineer");
        using var productOwner = await factory.SignInAsync("ProductOwner");
        using var admin = await factory.SignInAsync("Admin");
        using var viewer = await factory.SignInAsync("Viewer");

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(viewer, HttpMethod.Post, Reports(model), SaveBody("viewer's"))).Status);
        var first = (await OkAsync(author, HttpMethod.Post, Reports(model), SaveBody("first"), HttpStatusCode.Created))["id"]!.GetValue<int>();
        var second = (await OkAsync(author, HttpMethod.Post, Reports(model), SaveBody("second"), HttpStatusCode.Created))["id"]!.GetValue<int>();
        Assert.Equal(2, (await OkAsync(viewer, HttpMethod.Get, Reports(model))).AsArray().Count);

        var (status, problem) = await SendAsync(otherEngineer, HttpMethod.Delete, $"{Reports(model)}/{first}");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("or an Admin", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(productOwner, HttpMethod.Delete, $"{Reports(model)}/{first}")).Status);

        await OkAsync(author, HttpMethod.Delete, $"{Reports(model)}/{first}", expected: HttpStatusCode.NoContent);
        await OkAsync(admin, HttpMethod.Delete, $"{Reports(model)}/{second}", expected: HttpStatusCode.NoContent);
        Assert.Empty((await OkAsync(viewer, HttpMethod.Get, Reports(model))).AsArray());
    }
}
