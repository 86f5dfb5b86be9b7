using Microsoft.Playwright;

namespace Portal.ScaleOut.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright, launched on first use: a person's browser on one node. Each page gets its own
/// context (cookies), signed in on the node it was opened for. Screenshots go to screenshots/ in the test output.
/// </summary>
public sealed class ClusterBrowser : IAsyncDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly SemaphoreSlim gate = new(1, 1);
    private IPlaywright? playwright;
    private IBrowser? browser;

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>A page on <paramref name="node"/>, signed in through its login page, waiting on the live home page.</summary>
    public async Task<IPage> NewSignedInPageAsync(PortalNode node, string email, string password)
    {
        var context = await (await LaunchAsync()).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = node.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("input[name='Input.Email']", email);
        await page.FillAsync("input[name='Input.Password']", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { WaitUntil = WaitUntilState.Commit });
        await WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Opens <paramref name="path"/> and waits until its Blazor circuit is connected (live updates flow from then on).</summary>
    public static async Task GotoInteractiveAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitForInteractiveAsync(page);
    }

    public static Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        return page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
        gate.Dispose();
    }

    private static Task WaitForInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync("#portal-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

    private async Task<IBrowser> LaunchAsync()
    {
        await gate.WaitAsync();
        try
        {
            playwright ??= await Playwright.CreateAsync();
            return browser ??= await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
        }
        finally
        {
            gate.Release();
        }
    }
}
