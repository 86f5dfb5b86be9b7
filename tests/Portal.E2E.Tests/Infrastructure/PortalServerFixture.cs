using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;

namespace Portal.E2E.Tests.Infrastructure;

/// <summary>All end-to-end tests share one running portal and one browser: put test classes in this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalServerFixture>
{
    public const string Name = "Portal server";
}

/// <summary>
/// The real portal (the built Portal.Web.dll) on a free loopback port with a temporary SQLite file, a bootstrap admin
/// and a bootstrap API key (random per run), the demo off; and Debian's Chromium driven by Playwright.
/// <see cref="NewPageAsync"/> gives a page in a fresh browser context, signed in as the admin unless asked otherwise.
/// Every Content-Security-Policy violation in any of its pages is collected (<see cref="CspViolations"/>) and fails
/// the run when the fixture is disposed: the portal must work under its own policy.
/// </summary>
public class PortalServerFixture : IAsyncLifetime
{
    public const string AdminEmail = "e2e-admin@portal.test";
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly ConcurrentQueue<string> serverLog = new();
    private readonly ConcurrentQueue<string> cspViolations = new();
    private readonly string dataFolder = Path.Combine(Path.GetTempPath(), $"portal-e2e-{Guid.NewGuid():N}");
    private Process? server;
    private IPlaywright? playwright;

    public string AdminPassword { get; } = "e2e-pw-" + Guid.NewGuid().ToString("N");

    /// <summary>The admin-scoped <c>Portal:Bootstrap:ApiKey</c> of this run.</summary>
    public string ApiKey { get; } = "e2e-key-" + Guid.NewGuid().ToString("N");

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Everything the server wrote to stdout and stderr so far.</summary>
    public string ServerLog => string.Join('\n', serverLog);

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Content-Security-Policy violations reported by the browser so far, each with its page's URL.</summary>
    public IReadOnlyList<string> CspViolations => cspViolations.ToArray();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(dataFolder);
        Directory.CreateDirectory(ScreenshotFolder);
        BaseUrl = $"http://127.0.0.1:{FreePort()}";
        StartServer(await PortalDllAsync());
        await WaitUntilHealthyAsync();

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }

        server?.Dispose();
        await File.WriteAllTextAsync(Path.Combine(ScreenshotFolder, LogName + ".log"), ServerLog);
        try
        {
            Directory.Delete(dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on the way out: the temp folder is cleaned by the OS.
        }

        if (!cspViolations.IsEmpty)
        {
            throw new InvalidOperationException("Content-Security-Policy violations:\n" + string.Join('\n', cspViolations));
        }
    }

    /// <summary>A page in its own browser context (own cookies); signed in as the admin by default.</summary>
    public async Task<IPage> NewPageAsync(bool signedIn = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        // Chromium logs each violation as a console error; the event makes sure none goes unreported.
        await context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`))");
        context.Console += (_, message) =>
        {
            if (IsCspViolation(message))
            {
                cspViolations.Enqueue($"{message.Page?.Url}: {message.Text}");
            }
        };
        var page = await context.NewPageAsync();
        if (signedIn)
        {
            await SignInAsync(page, AdminEmail, AdminPassword);
        }

        return page;
    }

    /// <summary>A browser console message that reports a Content-Security-Policy violation.</summary>
    public static bool IsCspViolation(IConsoleMessage message) =>
        message.Type == "error" && (message.Text.StartsWith("CSP violation", StringComparison.Ordinal) || message.Text.Contains("Content Security Policy", StringComparison.Ordinal));

    /// <summary>Signs in through the login page and waits for the live (interactive) home page.</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("input[name='Input.Email']", email);
        await page.FillAsync("input[name='Input.Password']", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { WaitUntil = WaitUntilState.Commit });
        await WaitForInteractiveAsync(page);
    }

    /// <summary>Opens <paramref name="path"/> and waits until its Blazor circuit is connected, so clicks do something.</summary>
    public static async Task GotoInteractiveAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitForInteractiveAsync(page);
    }

    public static Task WaitForInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync("#portal-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

    /// <summary>Saves a full-page screenshot as screenshots/<paramref name="name"/>.png in the test output folder.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    /// <summary>An HTTP client for the running server (no redirects followed), optionally with an API key.</summary>
    public HttpClient CreateHttpClient(string? apiKey = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(BaseUrl) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>The portal to start; the build output of this configuration unless a subclass says otherwise.</summary>
    protected virtual Task<string> PortalDllAsync() => Task.FromResult(PortalWebDll());

    /// <summary>Changes to how the server is started (working directory, environment), made after the defaults.</summary>
    protected virtual void Configure(ProcessStartInfo start)
    {
    }

    /// <summary>Name of the server log written next to the screenshots.</summary>
    protected virtual string LogName => "server";

    private void StartServer(string dll)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseUrl);
        // Development serves the package assets (MudBlazor's CSS and JS) straight from the build output.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__Portal"] = $"Data Source={Path.Combine(dataFolder, "portal.db")}";
        start.Environment["Portal__Bootstrap__AdminEmail"] = AdminEmail;
        start.Environment["Portal__Bootstrap__AdminPassword"] = AdminPassword;
        start.Environment["Portal__Bootstrap__ApiKey"] = ApiKey;
        start.Environment["Portal__Demo__Enabled"] = "false";
        start.Environment["Portal__DataProtection__KeyEncryptionKey"] = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
        Configure(start);

        server = new Process { StartInfo = start };
        server.OutputDataReceived += (_, e) => Append(e.Data);
        server.ErrorDataReceived += (_, e) => Append(e.Data);
        server.Start();
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            serverLog.Enqueue(line);
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = CreateHttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (server!.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with code {server.ExitCode}:\n{ServerLog}");
            }

            try
            {
                if ((await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The portal did not become healthy at {BaseUrl}:\n{ServerLog}");
    }

    /// <summary>The configuration (Debug, Release) of this test build, which is also Portal.Web's.</summary>
    protected static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The folder holding Portal.sln.</summary>
    protected static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Portal.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException($"Portal.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>src/Portal.Web/bin/&lt;same configuration as this test build&gt;/net10.0/Portal.Web.dll.</summary>
    private static string PortalWebDll()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var dll = Path.Combine(RepositoryRoot(), "src", "Portal.Web", "bin", Configuration, framework, "Portal.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build Portal.Web first ({Configuration}).", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
