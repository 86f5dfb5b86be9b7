using System.Net;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class SecurityTests(PortalServerFixture portal)
{
    private const string Payload = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=1\">";

    [Fact]
    public async Task Markup_in_names_and_audit_text_is_shown_as_text_and_never_runs()
    {
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, "/admin/users");
        var email = $"xss-{Guid.NewGuid():N}@portal.test";
        var password = await UsersPage.CreateUserAsync(page, email, Payload);

        var userRow = page.Locator("tr", new() { HasText = email });
        Assert.Contains(Payload, await userRow.InnerTextAsync());
        await AssertNoScriptRanAsync(page);
        await PortalServerFixture.ScreenshotAsync(page, "xss-users");

        using (var client = portal.CreateHttpClient(portal.ApiKey))
        {
            // The scope must be "admin" or a model name now (markup cannot be one); the name still carries the payload.
            var body = System.Text.Json.JsonSerializer.Serialize(new { name = Payload, scope = "admin" });
            using var created = await client.PostAsync("/api/v1/api-keys", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        await PortalServerFixture.GotoInteractiveAsync(page, "/admin/api-keys");
        Assert.Contains(Payload, await page.Locator("tr", new() { HasText = "window.__xss" }).First.InnerTextAsync());
        await AssertNoScriptRanAsync(page);

        await PortalServerFixture.GotoInteractiveAsync(page, "/admin/audit");
        await page.Locator("tr", new() { HasText = "User" }).First.ClickAsync();
        await page.Locator("tr", new() { HasText = "ApiKey" }).First.ClickAsync();
        // The rows expand asynchronously: wait for a diff showing the payload before reading them all.
        await page.Locator(".portal-diff", new() { HasText = "window.__xss" }).First.WaitForAsync();
        var diffs = await page.Locator(".portal-diff").AllInnerTextsAsync();
        Assert.Contains(diffs, d => d.Contains(Payload));
        await AssertNoScriptRanAsync(page);
        await PortalServerFixture.ScreenshotAsync(page, "xss-audit");

        var user = await portal.NewPageAsync(signedIn: false);
        await PortalServerFixture.SignInAsync(user, email, password);
        Assert.Equal(Payload, await user.InnerTextAsync("[data-testid=signed-in-as]"));
        await AssertNoScriptRanAsync(user);
    }

    [Fact]
    public async Task Runbook_markdown_with_script_shows_as_text_in_preview_and_page()
    {
        var page = await portal.NewPageAsync();
        await PortalServerFixture.GotoInteractiveAsync(page, "/runbooks/new");
        var title = $"XSS runbook {Guid.NewGuid():N}";
        await page.FillAsync("#runbook-title", title);
        await page.FillAsync("#runbook-markdown", "# Steps\n\n" + Payload);
        await page.WaitForFunctionAsync("() => document.querySelector('#runbook-preview').innerText.includes('window.__xss')");
        Assert.Contains(Payload, await page.InnerTextAsync("#runbook-preview"));
        Assert.Equal(0, await page.Locator("#runbook-preview script, #runbook-preview img").CountAsync());
        await AssertNoScriptRanAsync(page);

        await page.ClickAsync("#runbook-save");
        await page.WaitForURLAsync(url => url.EndsWith("/edit", StringComparison.Ordinal) && !url.Contains("/new", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        var id = new Uri(page.Url).Segments[^2].TrimEnd('/');
        await PortalServerFixture.GotoInteractiveAsync(page, $"/runbooks/{id}");
        Assert.Contains(Payload, await page.InnerTextAsync("#runbook-rendered"));
        Assert.Equal(0, await page.Locator("#runbook-rendered script, #runbook-rendered img").CountAsync());
        await AssertNoScriptRanAsync(page);
    }

    [Fact]
    public async Task Content_security_policy_refuses_an_inline_script_and_chromium_reports_it()
    {
        // A context of its own: the violation provoked here must not fail the fixture's check of all other pages.
        await using var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = portal.BaseUrl });
        var violations = new List<string>();
        context.Console += (_, message) =>
        {
            if (PortalServerFixture.IsCspViolation(message))
            {
                violations.Add(message.Text);
            }
        };
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("/login");
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.head.appendChild(s); }");

        // The report of the refusal is the positive signal that the browser has dealt with the script.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!violations.ToArray().Any(v => v.Contains("inline script", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await page.EvaluateAsync("() => new Promise(resolve => setTimeout(resolve, 50))");
        }

        Assert.Contains("script-src 'self'", (await response!.AllHeadersAsync())["content-security-policy"]);
        Assert.Contains(violations.ToArray(), v => v.Contains("inline script", StringComparison.Ordinal));
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__inline"));
    }

    [Fact]
    public async Task Hangfire_dashboard_works_under_the_policy()
    {
        var page = await portal.NewPageAsync();

        // The dashboard's own script polls /jobs/stats once it runs: its answer is the positive signal that the
        // page's scripts loaded and ran under the policy (a refused script would never ask).
        var stats = page.WaitForResponseAsync(r => r.Url.Contains("/jobs/stats", StringComparison.Ordinal));
        await page.GotoAsync("/jobs");
        await page.WaitForSelectorAsync("canvas#realtimeGraph", new() { State = WaitForSelectorState.Attached });
        Assert.True((await stats).Ok);

        Assert.DoesNotContain(portal.CspViolations, v => v.Contains("/jobs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Oversized_headers_are_rejected()
    {
        using var client = portal.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.Add("X-Padding", new string('a', 40 * 1024));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Oversized_bodies_are_rejected()
    {
        using var client = portal.CreateHttpClient(portal.ApiKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/api-keys")
        {
            Content = new ByteArrayContent(new byte[31_000_000]) { Headers = { ContentType = new("application/json") } },
        };
        request.Headers.ExpectContinue = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Server_log_holds_no_passwords_or_keys()
    {
        using var client = portal.CreateHttpClient(portal.ApiKey);
        using var created = await client.PostAsync("/api/v1/api-keys", new StringContent("""{"name": "log check", "scope": "churn"}""", System.Text.Encoding.UTF8, "application/json"));
        var key = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
        using (var keyed = portal.CreateHttpClient(key))
        {
            await keyed.GetAsync("/api/v1/me");
        }

        var page = await portal.NewPageAsync();
        await page.CloseAsync();

        var log = portal.ServerLog;
        Assert.Contains(PortalServerFixture.AdminEmail, log);
        Assert.DoesNotContain(portal.AdminPassword, log);
        Assert.DoesNotContain(portal.ApiKey, log);
        Assert.DoesNotContain(key, log);
        Assert.DoesNotContain(key[12..], log);
    }

    private static async Task AssertNoScriptRanAsync(IPage page) =>
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__xss"));
}
