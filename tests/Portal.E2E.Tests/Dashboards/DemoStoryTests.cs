using System.Diagnostics;
using Microsoft.Playwright;
using Portal.Client.Simulation;
using Portal.E2E.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Portal.E2E.Tests.Dashboards;

[CollectionDefinition(Name)]
public sealed class DemoPortalCollection : ICollectionFixture<DemoPortalFixture>
{
    public const string Name = "Demo portal";
}

/// <summary>A portal of its own on a fresh database with the demo on, as <c>dotnet run</c> starts it.</summary>
public sealed class DemoPortalFixture : PortalServerFixture
{
    /// <summary>Started just before the portal process (xunit creates the fixture, then initialises it).</summary>
    public Stopwatch SinceStart { get; } = Stopwatch.StartNew();

    protected override string LogName => "demo-server";

    protected override void Configure(ProcessStartInfo start) => start.Environment["Portal__Demo__Enabled"] = "true";
}

/// <summary>
/// The demo tells its story on the first look: every tab of every demo model shows data from the backfilled history
/// (how long after start-up is written to the test output; the target is a minute), and the Alerts, SLO and experiment pages have something to show. Screenshots of every
/// tab of every demo model go to the test output (screenshots/demo-*.png).
/// </summary>
[Collection(DemoPortalCollection.Name)]
public sealed class DemoStoryTests(DemoPortalFixture portal, ITestOutputHelper output)
{
    /// <summary>Waiting goes on past the first minute so a slow machine still gets its screenshots (and the timing assertion says by how much).</summary>
    private static readonly TimeSpan GiveUp = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Every_tab_of_every_demo_model_shows_data_from_the_history_on_the_first_look()
    {
        // One tab per model, as four people opening the portal at once: the time measured is when the data is
        // there, not how long one browser takes to visit sixteen tabs one after the other.
        var models = TrafficSimulator.Models.Select(m => m.Name).ToList();
        // Signed in once: four sign-ins at once, while the portal is busy sending its history, took over 30 s under load.
        var first = await portal.NewPageAsync();
        var tabs = new List<IPage> { first };
        for (var i = 1; i < models.Count; i++)
        {
            tabs.Add(await first.Context.NewPageAsync());
        }

        var pages = await Task.WhenAll(models.Zip(tabs).Select(async pair =>
        {
            var (model, page) = pair;
            await TabAsync(page, model, "health", "#chart-requests .main-svg", "health-empty");
            await TabAsync(page, model, "quality", ".main-svg", "quality-empty", "quality-no-labels");
            await TabAsync(page, model, "drift", "#chart-drift-over-time .main-svg", "drift-no-reference");
            Assert.Contains("Drift job run at", await page.InnerTextAsync("[data-testid=drift-summary]"));
            await TabAsync(page, model, "resources", ".main-svg", "resources-empty");
            return page;
        }));

        // The issue's target is a minute. The time is reported rather than asserted (a loaded machine takes longer:
        // docs/testing.md has the figures), and waiting gives up after GiveUp.
        var firstLook = portal.SinceStart.Elapsed;

        // The whole story — 14 days sent and the drift and quality jobs run as of each past day (drift growing in the
        // drift-over-time chart) — is in once the portal says so; the screenshots are of that.
        await Until(() => Task.FromResult(portal.ServerLog.Contains(PastRunsDone)), pages[0], () => "the demo history's past runs");
        var story = portal.SinceStart.Elapsed;
        foreach (var (model, page) in models.Zip(pages))
        {
            foreach (var (tab, chart) in new[] { ("health", "#chart-requests .main-svg"), ("quality", ".main-svg"), ("drift", "#chart-drift-over-time .main-svg"), ("resources", ".main-svg") })
            {
                await TabAsync(page, model, tab, chart);
                await PortalServerFixture.ScreenshotAsync(page, $"demo-{model}-{tab}");
            }
        }

        output.WriteLine($"every tab of every demo model showed data {firstLook.TotalSeconds:0} s after start-up (target: 60 s); " +
            $"the whole history with its past job runs was in {story.TotalSeconds:0} s after start-up");
    }

    [Fact]
    public async Task Slos_alert_rules_the_log_channel_and_the_running_experiment_are_there_on_the_first_look()
    {
        var page = await portal.NewPageAsync();
        foreach (var model in TrafficSimulator.Models.Select(m => m.Name))
        {
            await Until(async () =>
            {
                await PortalServerFixture.GotoInteractiveAsync(page, $"/models/{model}/slos");
                var compliance = page.Locator("[data-testid=slo-compliance]");
                return await compliance.CountAsync() == 2 && !(await compliance.AllInnerTextsAsync()).Contains("—");
            }, page, () => $"/models/{model}/slos");
            await PortalServerFixture.ScreenshotAsync(page, $"demo-{model}-slos");
        }

        await PortalServerFixture.GotoInteractiveAsync(page, "/alerts/rules");
        await page.Locator("text=Fraud detector errors").WaitForAsync();
        // The demo's five rules, beside the page and ticket rules its SLOs own.
        foreach (var rule in new[] { "Fraud detector errors", "Slow predictions", "Churn inputs drifted", "Churn score shifted", "Ticket router accuracy" })
        {
            Assert.Equal(1, await page.Locator("tbody tr", new() { HasText = rule }).CountAsync());
        }

        await PortalServerFixture.ScreenshotAsync(page, "demo-alert-rules");

        await PortalServerFixture.GotoInteractiveAsync(page, "/alerts/channels");
        await page.Locator("text=demo-log").First.WaitForAsync();
        await PortalServerFixture.ScreenshotAsync(page, "demo-alert-channels");

        // Running since the history's tagged v2 traffic began, and analysed at once: a week of it is past the planned
        // sample, so the first look has a final verdict. Which one is the analysis's to say: the simulator's v2 is
        // sharper (its accuracy is a little higher, fraud being rare) and slower, so runs have seen SHIP (accuracy up,
        // latency guardrail not shown harmful), REVERT (no effect at the final look) and STOP (guardrail breached).
        await Until(async () =>
        {
            await PortalServerFixture.GotoInteractiveAsync(page, "/experiments/fraud-v2-rollout");
            return await page.Locator("[data-testid=experiment-state]", new() { HasText = "running" }).CountAsync() > 0
                && await page.Locator("#verdict-title").CountAsync() > 0;
        }, page, () => "/experiments/fraud-v2-rollout");
        var verdict = await page.InnerTextAsync("#verdict-title");
        output.WriteLine($"demo experiment: {verdict}: {await page.InnerTextAsync("#verdict-reasons")}");
        Assert.Contains(verdict, new[] { "SHIP", "REVERT", "STOP" });   // not KEEP RUNNING: the planned sample is there
        await PortalServerFixture.ScreenshotAsync(page, "demo-experiment");
    }

    /// <summary>What the demo logs when, its history sent, the jobs as of each past day have run.</summary>
    private const string PastRunsDone = "past drift and quality runs in";

    /// <summary>Reloads the tab until the chart is drawn and no empty-state hint is shown.</summary>
    private async Task TabAsync(IPage page, string model, string tab, string chart, params string[] emptyHints)
    {
        var path = $"/models/{model}?tab={tab}&window=7d";   // a week: the incident, the rollout and the drift growing
        await Until(async () =>
        {
            await PortalServerFixture.GotoInteractiveAsync(page, path);
            try
            {
                await page.Locator(chart).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
            }
            catch (TimeoutException)
            {
                return false;
            }

            foreach (var hint in emptyHints)
            {
                if (await page.Locator($"[data-testid={hint}]").CountAsync() > 0)
                {
                    return false;
                }
            }

            return true;
        }, page, () => path);
    }

    /// <summary>A page that does not become interactive in time on a busy machine is tried again, not a failure.</summary>
    private static async Task<bool> Try(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task Until(Func<Task<bool>> condition, IPage page, Func<string> what)
    {
        while (!await Try(condition))
        {
            if (portal.SinceStart.Elapsed > GiveUp)
            {
                await PortalServerFixture.ScreenshotAsync(page, "demo-timeout");
                Assert.Fail($"{what()} showed no data {portal.SinceStart.Elapsed.TotalSeconds:0} s after start-up.");
            }

            await Task.Delay(1_000);
        }
    }
}
