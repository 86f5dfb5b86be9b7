using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class ApiReferenceTests(PortalServerFixture portal)
{
    [Fact]
    public async Task Api_reference_page_renders_the_openapi_document_under_its_policy()
    {
        var page = await portal.NewPageAsync(signedIn: false);
        var violations = portal.CspViolations.Count;

        await page.GotoAsync($"{portal.BaseUrl}/api/docs");

        // Scalar renders the document's title and its operations once its script has loaded and fetched the JSON.
        await page.GetByText("Portal REST API").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByText("/api/v1/models/{model}/predictions").First.WaitForAsync(new() { Timeout = 30_000 });
        await PortalServerFixture.ScreenshotAsync(page, "api-reference");
        var added = portal.CspViolations.Skip(violations).ToList();
        Assert.True(added.Count == 0, string.Join('\n', added));
    }
}
