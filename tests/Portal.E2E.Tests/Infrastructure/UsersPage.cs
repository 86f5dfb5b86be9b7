using Microsoft.Playwright;

namespace Portal.E2E.Tests.Infrastructure;

/// <summary>Drives Admin → Users the way a person does.</summary>
public static class UsersPage
{
    /// <summary>
    /// Creates a user through the "New user" dialog (the page must be open and interactive) and returns the one-time
    /// password it shows. With <paramref name="screenshot"/>, the dialog is saved while the password is on screen.
    /// </summary>
    public static async Task<string> CreateUserAsync(IPage page, string email, string displayName, string? role = null, string? screenshot = null)
    {
        await page.ClickAsync("text=New user");
        var dialog = page.Locator(".mud-dialog");
        await dialog.GetByLabel("E-mail", new() { Exact = true }).FillAsync(email);
        await dialog.GetByLabel("Display name", new() { Exact = true }).FillAsync(displayName);
        if (role is not null)
        {
            await dialog.Locator(".mud-select").First.ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = role }).ClickAsync();
        }

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var password = await dialog.Locator("[data-testid=one-time-secret] input").InputValueAsync();
        if (screenshot is not null)
        {
            await PortalServerFixture.ScreenshotAsync(page, screenshot);
        }

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await page.Locator("tr", new() { HasText = email }).WaitForAsync();
        return password;
    }
}
