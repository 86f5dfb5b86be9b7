using System.Net;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class AdminPagesTests(PortalServerFixture portal)
{
    [Fact]
    public async Task Api_key_is_shown_once_works_and_can_be_revoked()
    {
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, "/admin/api-keys");

        await page.ClickAsync("text=New API key");
        var dialog = page.Locator(".mud-dialog");
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("e2e churn service");
        await dialog.GetByLabel("Model name").FillAsync("churn");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var secret = dialog.Locator("[data-testid=one-time-secret] input");
        await secret.WaitForAsync();
        var key = await secret.InputValueAsync();
        Assert.Matches("^pk_[a-z0-9]{8}_", key);
        // The list behind the dialog already shows the new key while its secret is on screen.
        await page.Locator("tr", new() { HasText = "e2e churn service" }).WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await PortalServerFixture.ScreenshotAsync(page, "api-key-created");

        using (var client = portal.CreateHttpClient(key))
        {
            Assert.Contains("\"scope\":\"churn\"", await client.GetStringAsync("/api/v1/me"));
        }

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        var row = page.Locator("tr", new() { HasText = "e2e churn service" });
        Assert.Contains(key[..11], await row.InnerTextAsync());
        Assert.DoesNotContain(key, await page.ContentAsync());
        await PortalServerFixture.ScreenshotAsync(page, "api-keys");

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await row.GetByText("Revoked").WaitForAsync();

        using var revoked = portal.CreateHttpClient(key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task New_user_gets_a_one_time_password_and_can_sign_in_with_it()
    {
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, "/admin/users");

        var email = $"engineer-{Guid.NewGuid():N}@portal.test";
        var password = await UsersPage.CreateUserAsync(page, email, "Grace Engineer", "Engineer", screenshot: "user-created");
        await PortalServerFixture.ScreenshotAsync(page, "users");

        var engineer = await portal.NewPageAsync(signedIn: false);
        await PortalServerFixture.SignInAsync(engineer, email, password);
        Assert.Equal("Grace Engineer", await engineer.InnerTextAsync("[data-testid=signed-in-as]"));
        var response = await engineer.GotoAsync("/admin/users");
        Assert.Equal(403, response!.Status);
        await engineer.Locator("[data-testid=access-denied]").WaitForAsync();
        await PortalServerFixture.ScreenshotAsync(engineer, "access-denied");
    }

    [Fact]
    public async Task Audit_page_shows_changes_with_a_before_after_diff()
    {
        using (var client = portal.CreateHttpClient(portal.ApiKey))
        {
            using var created = await client.PostAsync("/api/v1/api-keys", new StringContent("""{"name": "audit e2e", "scope": "fraud"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, "/admin/audit");
        var row = page.Locator("tr", new() { HasText = "ApiKey" }).First;
        await row.ClickAsync();
        var diff = page.Locator(".portal-diff").First;
        await diff.WaitForAsync();

        Assert.Contains("audit e2e", await diff.InnerTextAsync());
        await PortalServerFixture.ScreenshotAsync(page, "audit");
    }
}
