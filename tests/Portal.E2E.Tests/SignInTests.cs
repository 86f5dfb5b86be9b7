using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class SignInTests(PortalServerFixture portal)
{
    [Fact]
    public async Task Signing_in_through_the_login_page_opens_the_home_page()
    {
        var page = await portal.NewPageAsync(signedIn: false);

        await page.GotoAsync("/");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        await PortalServerFixture.ScreenshotAsync(page, "login");

        await PortalServerFixture.SignInAsync(page, PortalServerFixture.AdminEmail, portal.AdminPassword);

        Assert.Equal(PortalServerFixture.AdminEmail, await page.InnerTextAsync("[data-testid=signed-in-as]"));
        Assert.Contains("ML observability in one place", await page.InnerTextAsync(".mud-main-content"));
        await PortalServerFixture.ScreenshotAsync(page, "home");
    }

    [Fact]
    public async Task Wrong_password_shows_an_error_on_the_login_page()
    {
        var page = await portal.NewPageAsync(signedIn: false);
        await page.GotoAsync("/login");

        await page.FillAsync("input[name='Input.Email']", PortalServerFixture.AdminEmail);
        await page.FillAsync("input[name='Input.Password']", "not the password");
        await page.ClickAsync("button[type=submit]");

        Assert.Contains("wrong", await page.InnerTextAsync("[data-testid=login-error]"));
        await PortalServerFixture.ScreenshotAsync(page, "login-error");
    }

    [Fact]
    public async Task Sign_out_returns_to_the_login_page()
    {
        var page = await portal.NewPageAsync();

        await page.ClickAsync("form[action='/logout'] button");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login", new() { WaitUntil = WaitUntilState.Commit });

        await page.GotoAsync("/admin/users");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
    }
}
