using System.Diagnostics;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.Tests.SingleSignOn;

namespace Portal.E2E.Tests.SingleSignOn;

/// <summary>The portal process pointed at <see cref="TestOpenIdProvider"/>, which starts first.</summary>
public sealed class SingleSignOnPortalFixture : PortalServerFixture, IAsyncLifetime
{
    public TestOpenIdProvider Provider { get; private set; } = default!;

    public new async Task InitializeAsync()
    {
        Provider = await TestOpenIdProvider.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await Provider.DisposeAsync();
        }
    }

    protected override string LogName => "sso-server";

    protected override void Configure(ProcessStartInfo start)
    {
        foreach (var (key, value) in Provider.PortalSettings("Test IdP"))
        {
            start.Environment[key.Replace(":", "__")] = value;
        }
    }
}

/// <summary>Single sign-on clicked through in Chromium: the button, the provider, the portal signed in, and sign-out.</summary>
public sealed class SingleSignOnTests(SingleSignOnPortalFixture portal) : IClassFixture<SingleSignOnPortalFixture>
{
    [Fact]
    public async Task Signing_in_with_the_provider_gives_the_mapped_role_and_signing_out_goes_through_the_provider()
    {
        portal.Provider.User = new("e2e-subject-1", "sso-engineer@corp.test", "Sso Engineer", ["ml-engineers"]);
        var page = await portal.NewPageAsync(signedIn: false);
        var (authorizeBefore, endSessionBefore) = (portal.Provider.AuthorizeRequests.Count, portal.Provider.EndSessionRequests.Count);

        await page.GotoAsync("/");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        await PortalServerFixture.ScreenshotAsync(page, "sso-login");
        await page.ClickAsync("[data-testid=sso-sign-in]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { WaitUntil = WaitUntilState.Commit });
        await PortalServerFixture.WaitForInteractiveAsync(page);

        Assert.Equal("Sso Engineer", await page.InnerTextAsync("[data-testid=signed-in-as]"));
        Assert.Equal("Engineer", await page.InnerTextAsync(".portal-role-chip"));
        Assert.Single(portal.Provider.AuthorizeRequests.Skip(authorizeBefore), q => q["code_challenge_method"] == "S256");
        await PortalServerFixture.ScreenshotAsync(page, "sso-signed-in");

        await page.ClickAsync("form[action='/logout'] button");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login", new() { WaitUntil = WaitUntilState.Commit });

        Assert.Single(portal.Provider.EndSessionRequests.Skip(endSessionBefore));
        await page.GotoAsync("/admin/audit");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task A_person_in_no_mapped_group_reads_why_and_is_not_signed_in()
    {
        portal.Provider.User = new("e2e-subject-2", "sso-sales@corp.test", "Sso Sales", ["sales"]);
        var page = await portal.NewPageAsync(signedIn: false);

        await page.GotoAsync("/login");
        await page.ClickAsync("[data-testid=sso-sign-in]");
        // Until the address only (Commit), then the element: in a loaded run the page's "load" event once took over 30 s
        // to come although the page was there (network idle).
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login/refused", new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("[data-testid=sso-refused]").WaitForAsync();

        Assert.Contains("ask an admin to add you to one of: ml-admins, ml-engineers, ml-viewers", await page.InnerTextAsync("[data-testid=sso-refused]"));
        await PortalServerFixture.ScreenshotAsync(page, "sso-refused");
        await page.GotoAsync("/");
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
    }
}
