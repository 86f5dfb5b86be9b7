using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests;

/// <summary>
/// Runbook Markdown full of script payloads, in the editor's live preview, on /runbooks/N and on a firing alert that
/// links it, seen by a Viewer: hovering and clicking everything runs nothing (under the portal's Content-Security-Policy,
/// whose violations the fixture also fails on).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class RunbookXssTests(PortalServerFixture portal)
{
    private const string Model = "e2e-runbook-xss";

    private static readonly string Payloads = string.Join("\n\n",
        "# Payloads",
        "[plain javascript](javascript:window.__xss=1;alert(1))",
        "[mixed case](JaVaScRiPt:window.__xss=1;alert(1))",
        "[entity encoded](&#106;avascript:window.__xss=1;alert(1))",
        "[vbscript](vbscript:msgbox(1))",
        "[data html](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<javascript:window.__xss=1;alert(1)>",
        "![broken image](x){onerror=\"window.__xss=1;alert(1)\"}",
        "[hover me](#top){onmouseover=\"window.__xss=1;alert(1)\" onclick=\"window.__xss=1;alert(1)\"}",
        "## Heading {onmouseover=\"window.__xss=1;alert(1)\"}",
        "<script>window.__xss=1;alert(1)</script>",
        "<img src=x onerror=\"window.__xss=1;alert(1)\">",
        "<svg onload=\"window.__xss=1;alert(1)\"></svg>",
        "<iframe src=\"javascript:window.__xss=1;alert(1)\"></iframe>",
        "<a href=\"javascript:window.__xss=1;alert(1)\">raw link</a>",
        "Last line");

    [Fact]
    public async Task Script_payloads_in_a_runbook_never_run_in_the_preview_the_runbook_page_or_the_alert_page()
    {
        var admin = await portal.NewPageAsync();
        var dialogs = Watch(admin);
        await PortalServerFixture.GotoInteractiveAsync(admin, "/runbooks/new");
        await admin.FillAsync("#runbook-title", $"XSS payloads {Guid.NewGuid():N}");
        await admin.FillAsync("#runbook-markdown", Payloads);
        await admin.WaitForFunctionAsync("() => document.querySelector('#runbook-preview').innerText.includes('Last line')");
        await ProbeAsync(admin, "#runbook-preview", dialogs);
        await admin.ClickAsync("#runbook-save");
        await admin.WaitForURLAsync(url => url.EndsWith("/edit", StringComparison.Ordinal) && !url.Contains("/new", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        var runbookId = int.Parse(new Uri(admin.Url).Segments[^2].TrimEnd('/'));

        await PortalServerFixture.GotoInteractiveAsync(admin, "/admin/users");
        var email = $"viewer-{Guid.NewGuid():N}@portal.test";
        var password = await UsersPage.CreateUserAsync(admin, email, "Val Viewer", "Viewer");
        var alertId = await FireAlertLinkingAsync(runbookId);

        var viewer = await portal.NewPageAsync(signedIn: false);
        var viewerDialogs = Watch(viewer);
        await PortalServerFixture.SignInAsync(viewer, email, password);
        await PortalServerFixture.GotoInteractiveAsync(viewer, $"/runbooks/{runbookId}");
        await viewer.WaitForSelectorAsync("#runbook-rendered h1");
        await ProbeAsync(viewer, "#runbook-rendered", viewerDialogs);
        await PortalServerFixture.ScreenshotAsync(viewer, "xss-runbook-viewer");

        await PortalServerFixture.GotoInteractiveAsync(viewer, $"/alerts/{alertId}");
        await viewer.WaitForSelectorAsync(".portal-markdown h1");
        await ProbeAsync(viewer, ".portal-markdown", viewerDialogs);
        await PortalServerFixture.ScreenshotAsync(viewer, "xss-runbook-alert");
        Assert.Empty(portal.CspViolations);
    }

    private static List<string> Watch(IPage page)
    {
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        return dialogs;
    }

    /// <summary>Hovers and clicks every element of the rendered Markdown, then checks that no payload ran.</summary>
    private static async Task ProbeAsync(IPage page, string container, List<string> dialogs)
    {
        var path = new Uri(page.Url).AbsolutePath;
        var root = page.Locator(container);
        Assert.Equal(0, await root.Locator("script, iframe, svg, object, embed, [onerror], [onload], [onclick], [onmouseover]").CountAsync());
        var hrefs = await root.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.All(hrefs, href => Assert.DoesNotMatch("^\\s*(javascript|vbscript|data):", href.ToLowerInvariant()));

        foreach (var element in await root.Locator("a, img, h1, h2, p").AllAsync())
        {
            await element.HoverAsync(new() { Force = true });
        }

        // Every link left has a safe address (checked above) and would only navigate away; the rest gets clicked.
        foreach (var element in await root.Locator("a:not([href]), img, h1, h2, p").AllAsync())
        {
            await element.ClickAsync(new() { Force = true });
        }

        // The payload's broken image ("x") has had its error event once a control image of the same source has.
        await PageSignals.ControlImageSettledAsync(page);
        Assert.Equal(path, new Uri(page.Url).AbsolutePath);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__xss"));
        Assert.Empty(dialogs);
    }

    /// <summary>An error-rate rule on a model with an error spike, linking the runbook; waits until its alert fires.</summary>
    private async Task<long> FireAlertLinkingAsync(int runbookId)
    {
        using var api = portal.CreateHttpClient(portal.ApiKey);
        (await api.PutAsJsonAsync($"/api/v1/models/{Model}", new { taskType = "binary" })).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;
        var items = Enumerable.Range(0, 40).Select(i => new
        {
            predictionId = $"xss-{i}",
            timestamp = now.AddSeconds(-i * 2).ToString("O"),
            prediction = 1,
            score = 0.6,
            error = i % 2 == 0 ? "timeout" : null,
        });
        (await api.PostAsJsonAsync($"/api/v1/models/{Model}/predictions", items)).EnsureSuccessStatusCode();
        var created = await api.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "XssRunbookErrors", model = Model, metric = "errorRate", comparator = "greaterThan", threshold = 0.05, window = "5m", @for = "0s",
            keepFiringFor = "0s", severity = "warning", repeatInterval = "4h", runbookId, description = "Errors, with the payload runbook.",
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var alerts = await api.GetFromJsonAsync<JsonElement>("/api/v1/alerts");
            foreach (var alert in alerts.EnumerateArray())
            {
                if (alert.GetProperty("model").GetString() == Model && alert.GetProperty("state").GetString() == "Firing")
                {
                    return alert.GetProperty("id").GetInt64();
                }
            }

            await Task.Delay(2000);
        }

        throw new TimeoutException("The alert did not fire within 120 s. Server log:\n" + portal.ServerLog);
    }
}
