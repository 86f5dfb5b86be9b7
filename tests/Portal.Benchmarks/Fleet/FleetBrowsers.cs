using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Playwright;

namespace Portal.Benchmarks.Fleet;

/// <summary>
/// Headless Chromium browsers (Debian's), signed in as the admin, each going back and forth between the models list
/// and a random model's tab for the whole run, as people watching the fleet would. A load is timed from navigation to
/// the content: the list's first row, or the tab's first chart or its empty-state hint.
/// </summary>
internal static class FleetBrowsers
{
    private const string ListReady = "#models-table tbody tr";
    private const string TabReady = ".main-svg, [data-testid$=-empty], [data-testid$=no-labels], [data-testid$=no-reference]";
    private static readonly string[] Tabs = ["health", "quality", "drift", "resources"];

    public sealed record Result(Percentiles List, Percentiles Tab, int Loads, int Timeouts, string? FirstError, Percentiles Live);

    /// <summary>How often the live-update probe posts a prediction.</summary>
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(15);

    public static async Task<Result> RunAsync(FleetPortal portal, int browsers, int models, TimeSpan duration)
    {
        var list = new ConcurrentBag<double>();
        var tab = new ConcurrentBag<double>();
        var timeouts = 0;
        string? firstError = null;
        if (browsers == 0)
        {
            return new Result(Percentiles.Of(list), Percentiles.Of(tab), 0, 0, null, Percentiles.Of([]));
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var state = await SignInAsync(browser, portal);
        var clock = Stopwatch.StartNew();
        var live = LiveProbeAsync(browser, state, portal, duration);
        await Task.WhenAll(Enumerable.Range(0, browsers).Select(async b =>
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = portal.BaseUrls[b % portal.BaseUrls.Count],
                StorageState = state,
                ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            });
            var page = await context.NewPageAsync();
            var random = new Random(b);
            while (clock.Elapsed < duration)
            {
                var isList = random.Next(3) == 0;
                var path = isList ? "/models" : $"/models/{FleetOptions.ModelName(random.Next(models))}?tab={Tabs[random.Next(Tabs.Length)]}";
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
                    await page.Locator(isList ? ListReady : TabReady).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
                    (isList ? list : tab).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e) when (e is TimeoutException or PlaywrightException)
                {
                    Interlocked.Increment(ref timeouts);
                    Interlocked.CompareExchange(ref firstError, $"{path}: {e.Message.Split('\n')[0]}", null);
                }

                await Task.Delay(random.Next(500, 2_000));   // a look at the page before the next click
            }
        }));
        return new Result(Percentiles.Of(list), Percentiles.Of(tab), list.Count + tab.Count, timeouts, firstError, await live);
    }

    /// <summary>
    /// Live update latency: a page on the probe model's health tab (a model with no other traffic); every
    /// <see cref="ProbeEvery"/> one prediction is posted to it, timed from the POST until the page's traffic card changes
    /// (pushed through SignalR, no reload).
    /// </summary>
    private static async Task<Percentiles> LiveProbeAsync(IBrowser browser, string state, FleetPortal portal, TimeSpan duration)
    {
        const string Card = "[data-testid=card-traffic-detail]";
        var latencies = new List<double>();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseUrls[0], StorageState = state });
        var page = await context.NewPageAsync();
        var clock = Stopwatch.StartNew();
        await page.GotoAsync($"/models/{FleetPortal.LiveModel}?tab=health&window=1h", new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await page.WaitForSelectorAsync("#portal-interactive", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        for (var n = 0; clock.Elapsed < duration - ProbeEvery; n++)
        {
            await Task.Delay(ProbeEvery);
            var before = await page.Locator(Card).TextContentAsync() ?? "";
            var started = Stopwatch.GetTimestamp();
            using var content = new StringContent($$"""[{"predictionId": "probe-{{n}}", "prediction": 1, "score": 0.9, "latencyMs": 5}]""", System.Text.Encoding.UTF8, "application/json");
            using var response = await portal.Clients[0].PostAsync($"api/v1/models/{FleetPortal.LiveModel}/predictions", content);
            try
            {
                await page.WaitForFunctionAsync("([selector, before]) => (document.querySelector(selector)?.textContent ?? '') !== before", new object[] { Card, before }, new PageWaitForFunctionOptions { Timeout = 60_000 });
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (TimeoutException)
            {
                latencies.Add(double.PositiveInfinity);   // never updated within a minute: counts as the worst
            }
        }

        return Percentiles.Of(latencies);
    }

    private static async Task<string> SignInAsync(IBrowser browser, FleetPortal portal)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseUrls[0] });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("input[name='Input.Email']", FleetPortal.AdminEmail);
        await page.FillAsync("input[name='Input.Password']", portal.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        return await context.StorageStateAsync();
    }
}
