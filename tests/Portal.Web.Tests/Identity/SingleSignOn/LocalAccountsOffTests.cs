using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Account.SingleSignOn;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity.SingleSignOn;

/// <summary><c>Portal:Auth:LocalAccounts:Enabled=false</c>: single sign-on only.</summary>
public sealed class LocalAccountsOffTests(LocalAccountsOffHost host) : IClassFixture<LocalAccountsOffHost>
{
    [Fact]
    public async Task The_login_page_shows_only_the_single_sign_on_button()
    {
        using var client = host.Portal.CreateBrowserClient();
        var page = await client.GetStringAsync("/login");

        Assert.Contains("data-testid=\"sso-sign-in\"", page);
        Assert.DoesNotContain("Input.Password", page);
        Assert.DoesNotContain("<form", page);
    }

    [Fact]
    public async Task A_password_sign_in_is_refused_even_with_the_right_password()
    {
        var user = await host.Portal.CreateUserAsync("Admin");
        using var client = host.Portal.CreateBrowserClient();
        // No page offers an anonymous form any more: make a valid antiforgery pair the way the login page would have.
        var antiforgery = host.Portal.Services.GetRequiredService<IAntiforgery>();
        var tokens = antiforgery.GetTokens(new DefaultHttpContext { RequestServices = host.Portal.Services });
        var cookieName = host.Portal.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name;

        using var request = new HttpRequestMessage(HttpMethod.Post, "/login");
        request.Headers.Add("Cookie", $"{cookieName}={tokens.CookieToken}");
        request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = tokens.RequestToken!,
            ["Input.Email"] = user.Email,
            ["Input.Password"] = PortalFactory.Password,
        });
        using var response = await client.SendAsync(request);

        Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("Portal.Auth=", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Setup_offers_no_password_form()
    {
        using var client = host.Portal.CreateBrowserClient();
        using var response = await client.GetAsync("/setup?token=anything");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Local accounts are switched off", page);
        Assert.DoesNotContain("Input.Password", page);
    }

    [Fact]
    public async Task Single_sign_on_still_signs_in()
    {
        host.Provider.User = new($"subject-{Guid.NewGuid():N}", $"only-sso-{Guid.NewGuid():N}@corp.test", "Only SSO", ["ml-admins"]);
        using var browser = host.NewBrowser();

        var last = await browser.GetAsync("/login/sso");

        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal("/", browser.Hops[^1].Url.AbsolutePath);
        Assert.Contains(host.Provider.User.Email, await browser.Portal.GetStringAsync("/api/v1/me"));
    }
}

public sealed class OidcSettingsTests
{
    private static OidcOptions Valid() => new()
    {
        Authority = "https://idp.example",
        ClientId = "portal",
        RoleMap = new(StringComparer.OrdinalIgnoreCase) { ["ml-admins"] = "Admin", ["ml-viewers"] = "Viewer" },
    };

    [Fact]
    public void Settings_nobody_could_sign_in_with_are_refused_at_start_up()
    {
        Assert.Null(Valid().Problem(localAccounts: false));
        Assert.Null(new OidcOptions().Problem(localAccounts: true));
        Assert.Contains("nobody could sign in", new OidcOptions().Problem(localAccounts: false));
        Assert.Contains("ClientId is required", new OidcOptions { Authority = "https://idp.example" }.Problem(true));
        Assert.Contains("maps no groups value", new OidcOptions { Authority = "https://idp.example", ClientId = "portal" }.Problem(true));
        var typo = Valid();
        typo.RoleMap["ml-engineers"] = "Enginer";
        Assert.Contains("RoleMap:ml-engineers is 'Enginer'", typo.Problem(true));
    }

    [Fact]
    public void The_highest_mapped_role_wins_and_unmapped_values_count_for_nothing()
    {
        Assert.Equal("Admin", Valid().RoleFor(["ml-viewers", "ML-ADMINS", "sales"]));
        Assert.Equal("Viewer", Valid().RoleFor(["ml-viewers"]));
        Assert.Null(Valid().RoleFor(["sales"]));
        Assert.Null(Valid().RoleFor([]));
    }
}
