using System.Net;
using System.Text.Json.Nodes;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Features.Drift;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Experiments.ExperimentApi;

namespace Portal.Web.Tests.Drift;

/// <summary>A report saved over REST is listed on the Drift tab's panel and opens read-only on its page, as stored.</summary>
public sealed class SavedDriftReportPagesTests : MudComponentTests, IClassFixture<PortalFactory>, IAsyncLifetime
{
    private readonly PortalFactory factory;
    private readonly AsyncServiceScope scope;

    public SavedDriftReportPagesTests(PortalFactory factory)
    {
        this.factory = factory;
        scope = factory.Services.CreateAsyncScope();
        Context.Services.AddSingleton(scope.ServiceProvider.GetRequiredService<SavedDriftReports>());
        Context.AddAuthorization().SetAuthorized("viewer@test.local").SetRoles("Viewer");
    }

    [Fact]
    public async Task A_saved_report_is_listed_with_its_link_and_opens_with_the_stored_verdict_and_columns()
    {
        var model = await CreateModelAsync(factory);
        using var admin = factory.CreateApiClient();
        var body = new JsonObject
        {
            ["name"] = "week 48 vs training",
            ["referenceName"] = "training.csv",
            ["currentName"] = "week-48.csv",
            ["reference"] = new JsonObject { ["amount"] = new JsonArray(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) },
            ["current"] = new JsonObject { ["amount"] = new JsonArray(11, 12, 13, 14, 15, 16, 17, 18, 19, 20) },
        };
        var id = (await OkAsync(admin, HttpMethod.Post, $"/api/v1/models/{model}/drift/reports", body, HttpStatusCode.Created))["id"]!.GetValue<int>();

        var panel = Context.Render<SavedDriftReportsPanel>(p => p.Add(c => c.Model, model));
        panel.WaitForAssertion(() =>
        {
            var link = panel.Find("#saved-drift-reports-table a");
            Assert.Equal("week 48 vs training", link.TextContent.Trim());
            Assert.Equal($"/models/{model}/drift/reports/{id}", link.GetAttribute("href"));
        }, TimeSpan.FromSeconds(30));
        Assert.Contains("training.csv", panel.Find("#saved-drift-reports-table").TextContent, StringComparison.Ordinal);

        var page = Context.Render<SavedDriftReportPage>(p => p.Add(c => c.Model, model).Add(c => c.Id, id));
        page.WaitForAssertion(() => Assert.Equal("week 48 vs training", page.Find("#saved-report-name").TextContent.Trim()), TimeSpan.FromSeconds(30));
        Assert.Equal("Dataset drift detected", page.Find("[data-testid=report-verdict]").TextContent.Trim());
        Assert.Contains("amount", page.Find("#report-table tbody").TextContent, StringComparison.Ordinal);
        Assert.Contains("not recomputed", page.Find("#saved-report-facts").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#delete-report")); // a Viewer may not delete
    }

    public new async Task DisposeAsync()
    {
        await scope.DisposeAsync();
        await base.DisposeAsync();
    }
}
