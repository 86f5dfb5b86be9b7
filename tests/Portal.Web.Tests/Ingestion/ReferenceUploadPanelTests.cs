using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Web.Features.Ingestion;
using Portal.Web.Features.Ingestion.Reference;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Tests.Ingestion;

/// <summary>The drift tab's reference upload: a CSV file through <see cref="ReferenceUploadService"/> into the real database.</summary>
public sealed class ReferenceUploadPanelTests : MudComponentTests, IClassFixture<PortalFactory>
{
    private readonly PortalFactory factory;
    private readonly BunitAuthorizationContext authorization;

    public ReferenceUploadPanelTests(PortalFactory factory)
    {
        this.factory = factory;
        Context.Services.AddSingleton(factory.Services.GetRequiredService<ModelCatalog>());
        Context.Services.AddSingleton(factory.Services.GetRequiredService<IOptions<IngestionOptions>>());
        Context.Services.AddSingleton(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        Context.Services.AddScoped<ReferenceUploadService>();
        authorization = Context.AddAuthorization();
        Context.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public async Task An_engineer_uploads_a_csv_and_sees_the_rows_and_columns_stored()
    {
        var model = await ModelAsync();
        authorization.SetAuthorized("eng@test.local").SetRoles(PortalRoles.Engineer);
        var cut = Context.Render<ReferenceUploadPanel>(p => p.Add(x => x.Model, model));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("amount,country\n12.5,DE\n40,FR\n7,DE\n", "training.csv"));

        cut.WaitForAssertion(() => Assert.Contains("3 rows, 2 columns", cut.Find("[data-testid=reference-stored]").TextContent), TimeSpan.FromSeconds(10));
        var table = cut.Find("[data-testid=reference-columns]").TextContent;
        Assert.Contains("amount", table);
        Assert.Contains("country", table);
        Assert.Equal(1, await DatasetsAsync(model));
    }

    [Fact]
    public async Task Every_bad_cell_is_shown_with_its_row_and_column_and_nothing_is_stored()
    {
        var model = await ModelAsync();
        authorization.SetAuthorized("eng@test.local").SetRoles(PortalRoles.ProductOwner);
        var cut = Context.Render<ReferenceUploadPanel>(p => p.Add(x => x.Model, model));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("amount,country\n1,DE\nabc,FR\n3\nxyz,DE\n", "bad.csv"));

        cut.WaitForAssertion(() => Assert.Contains("3 errors", cut.Find("[data-testid=reference-errors]").TextContent), TimeSpan.FromSeconds(10));
        var errors = cut.Find("[data-testid=reference-errors]").TextContent;
        Assert.Contains("reference[row 3].amount", errors);
        Assert.Contains("reference[row 4]", errors);
        Assert.Contains("reference[row 5].amount", errors);
        Assert.Equal(0, await DatasetsAsync(model));
    }

    [Fact]
    public async Task A_viewer_cannot_upload()
    {
        var model = await ModelAsync();
        authorization.SetAuthorized("viewer@test.local").SetRoles(PortalRoles.Viewer);
        var cut = Context.Render<ReferenceUploadPanel>(p => p.Add(x => x.Model, model));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("amount\n1\n", "training.csv"));

        cut.WaitForAssertion(() => Assert.Contains("may not upload", cut.Find("[data-testid=reference-errors]").TextContent), Eventually.Deadline);
        Assert.Equal(0, await DatasetsAsync(model));
    }

    private async Task<string> ModelAsync()
    {
        var name = "panel-" + Guid.NewGuid().ToString("N")[..8];
        using var client = factory.CreateApiClient();
        await CreateModelAsync(client, name);
        return name;
    }

    private async Task<int> DatasetsAsync(string model)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var id = (await db.Models.SingleAsync(m => m.Name == model)).Id;
        return await db.ReferenceDatasets.CountAsync(d => d.ModelId == id);
    }
}
