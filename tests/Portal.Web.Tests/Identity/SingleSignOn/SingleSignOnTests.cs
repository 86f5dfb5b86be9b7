using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Tests.SingleSignOn;
using Portal.Web.Features.Admin.Users;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity.SingleSignOn;

/// <summary>
/// OpenID Connect sign-in through the real middleware against <see cref="TestOpenIdProvider"/>: the portal sends the
/// browser to the provider, redeems the code (with PKCE) and signs the person in with the role their groups map to.
/// </summary>
public sealed class SingleSignOnTests(SingleSignOnHost host) : IClassFixture<SingleSignOnHost>
{
    private static int people;

    private TestOpenIdProvider Provider => host.Provider;

    private static TestProviderUser Person(params string[] groups)
    {
        var n = Interlocked.Increment(ref people);
        return new($"subject-{n}-{Guid.NewGuid():N}", $"person-{n}@corp.test", $"Person {n}", groups);
    }

    private async Task<(SsoBrowser Browser, HttpResponseMessage Last)> SignInAsync(TestProviderUser person, string path = "/login/sso")
    {
        Provider.User = person;
        var browser = host.NewBrowser();
        return (browser, await browser.GetAsync(path));
    }

    private static async Task<string?> RoleAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/v1/me");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString() : null;
    }

    private Task<PortalUser?> LinkedUserAsync(TestProviderUser person) =>
        host.Portal.WithServiceAsync<UserManager<PortalUser>, PortalUser?>(users => users.FindByLoginAsync(Provider.Authority, person.Subject));

    [Fact]
    public async Task First_sign_in_creates_the_user_linked_to_issuer_and_subject_with_the_highest_mapped_role()
    {
        var person = Person("ml-viewers", "ml-engineers", "unrelated");

        var (browser, last) = await SignInAsync(person, "/login/sso?ReturnUrl=%2Fadmin%2Faudit");
        using var _ = browser;

        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal("/admin/audit", browser.Hops[^1].Url.AbsolutePath);
        Assert.Contains("/signin-oidc", browser.Paths);
        Assert.Equal("Engineer", await RoleAsync(browser.Portal));
        var user = await LinkedUserAsync(person);
        Assert.NotNull(user);
        Assert.Equal(person.Email, user.Email);
        Assert.Equal(person.Name, user.DisplayName);
        Assert.False(await host.Portal.WithServiceAsync<UserManager<PortalUser>, bool>(users => users.HasPasswordAsync(user)));
        Assert.Contains(host.Portal.Logs.Lines, m => m.Contains($"{person.Email} signed in with single sign-on as Engineer"));
        var created = await host.Portal.WithServiceAsync<PortalDbContext, int>(db =>
            db.AuditEntries.CountAsync(e => e.EntityType == UserAdminService.EntityType && e.EntityId == user.Id && e.Action == "create"));
        Assert.Equal(1, created);
    }

    [Fact]
    public async Task A_person_in_no_mapped_group_is_refused_with_the_groups_to_ask_for_and_gets_no_session()
    {
        var person = Person("sales", "everyone");

        var (browser, last) = await SignInAsync(person);
        using var _ = browser;

        Assert.Equal("/login/refused", browser.Hops[^1].Url.AbsolutePath);
        var page = WebUtility.HtmlDecode(await last.Content.ReadAsStringAsync());
        Assert.Contains("Your account is not in any group that grants access to Portal; ask an admin to add you to one of: ml-admins, ml-engineers, ml-viewers.", page);
        Assert.DoesNotContain(browser.PortalCookies, c => c.StartsWith("Portal.Auth=", StringComparison.Ordinal) && !c.StartsWith("Portal.Auth=;", StringComparison.Ordinal));
        Assert.Null(await RoleAsync(browser.Portal));
        Assert.Null(await LinkedUserAsync(person));
        Assert.Contains(host.Portal.Logs.Lines, m => m.Contains("Single sign-on refused") && m.Contains(person.Subject) && m.Contains("sales, everyone"));
    }

    [Fact]
    public async Task The_role_follows_the_group_at_each_sign_in_and_the_change_is_audited()
    {
        var person = Person("ml-viewers");
        var (first, _) = await SignInAsync(person);
        using var __ = first;
        Assert.Equal("Viewer", await RoleAsync(first.Portal));

        var (second, _) = await SignInAsync(person with { Groups = ["ml-admins"] });
        using var ___ = second;

        Assert.Equal("Admin", await RoleAsync(second.Portal));
        var user = await LinkedUserAsync(person);
        var updates = await host.Portal.WithServiceAsync<PortalDbContext, List<string?>>(db =>
            db.AuditEntries.Where(e => e.EntityId == user!.Id && e.Action == "update").Select(e => e.After).ToListAsync());
        Assert.Single(updates);
        Assert.Contains("\"role\":\"Admin\"", updates[0]);
        Assert.Equal(1, await host.Portal.WithServiceAsync<PortalDbContext, int>(db => db.UserLogins.CountAsync(l => l.ProviderKey == person.Subject)));
    }

    [Fact]
    public async Task An_existing_account_with_the_same_email_is_not_taken_over()
    {
        var local = await host.Portal.CreateUserAsync("Viewer");
        var person = Person("ml-admins") with { Email = local.Email };

        var (browser, last) = await SignInAsync(person);
        using var _ = browser;

        Assert.Equal("/login/refused", browser.Hops[^1].Url.AbsolutePath);
        Assert.Contains("not linked to this sign-in", WebUtility.HtmlDecode(await last.Content.ReadAsStringAsync()));
        Assert.Null(await RoleAsync(browser.Portal));
        Assert.Null(await LinkedUserAsync(person));
    }

    [Fact]
    public async Task Sign_out_ends_the_portal_session_and_goes_through_the_providers_end_session_endpoint()
    {
        var person = Person("ml-viewers");
        var (browser, _) = await SignInAsync(person);
        using var __ = browser;
        var home = await browser.Portal.GetStringAsync("/");
        var hopsBefore = browser.Hops.Count;

        var last = await browser.FollowAsync(new HttpRequestMessage(HttpMethod.Post, "/logout")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = PortalFactory.AntiforgeryToken(home) }),
        });

        var hops = browser.Hops.Skip(hopsBefore).Select(h => h.Url.GetLeftPart(UriPartial.Path)).ToList();
        Assert.Equal(["http://localhost/logout", $"{Provider.Authority}/endsession", "http://localhost/signout-callback-oidc", "http://localhost/login"], hops);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        var endSession = Provider.EndSessionRequests[^1];
        var hint = new JsonWebToken(endSession["id_token_hint"].ToString());
        Assert.Equal(person.Subject, hint.Subject);
        Assert.Contains(browser.Hops[hopsBefore].Response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Portal.Auth=;", StringComparison.Ordinal));
        Assert.Null(await RoleAsync(browser.Portal));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Portal.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task The_portal_uses_pkce_so_a_stolen_code_alone_cannot_be_redeemed()
    {
        var person = Person("ml-viewers");
        HttpResponseMessage? stolen = null;
        Provider.User = person;
        using var browser = host.NewBrowser();
        browser.BeforeReturningToPortal = async location =>
        {
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
            if (location.AbsolutePath == "/signin-oidc" && stolen is null)
            {
                using var attacker = new HttpClient();
                stolen = await attacker.PostAsync($"{Provider.Authority}/token", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "authorization_code",
                    ["code"] = query["code"].ToString(),
                    ["redirect_uri"] = "http://localhost/signin-oidc",
                    ["client_id"] = TestOpenIdProvider.ClientId,
                    ["client_secret"] = TestOpenIdProvider.ClientSecret,
                    ["code_verifier"] = "a-guessed-verifier-that-is-long-enough-0123456789",
                }));
            }
        };

        await browser.GetAsync("/login/sso");

        var authorize = Provider.AuthorizeRequests[^1];
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.Equal(43, authorize["code_challenge"].ToString().Length); // base64url of a SHA-256
        Assert.NotNull(stolen);
        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        Assert.Contains("code_verifier does not match", await stolen.Content.ReadAsStringAsync());
        Assert.Equal("Viewer", await RoleAsync(browser.Portal)); // the portal itself sent the matching verifier
    }

    [Fact]
    public async Task Cookie_sign_in_and_api_keys_keep_working_beside_single_sign_on()
    {
        using var client = await host.Portal.SignInAsync("Engineer");
        Assert.Equal("Engineer", await RoleAsync(client));
        using var api = host.Portal.CreateApiClient();
        Assert.Equal("Admin", await RoleAsync(api));
    }

    [Fact]
    public async Task The_login_page_offers_the_provider_beside_the_password_form()
    {
        using var client = host.Portal.CreateBrowserClient();
        var page = await client.GetStringAsync("/login?ReturnUrl=%2Fmodels");

        Assert.Contains("href=\"/login/sso?ReturnUrl=%2Fmodels\"", page);
        Assert.Contains("Sign in with Test IdP", page);
        Assert.Contains("name=\"Input.Password\"", page);
    }

    [Fact]
    public async Task The_content_security_policy_lets_the_sign_out_form_end_at_the_provider()
    {
        using var client = host.Portal.CreateBrowserClient();
        using var response = await client.GetAsync("/login");

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains($"form-action 'self' {Provider.Authority};", policy);
    }

    [Fact]
    public async Task A_user_an_admin_locked_stays_locked_out()
    {
        var person = Person("ml-engineers");
        var (first, _) = await SignInAsync(person);
        first.Dispose();
        var user = await LinkedUserAsync(person);
        await host.Portal.WithServiceAsync<UserAdminService, bool>(async users =>
        {
            await users.LockAsync(user!.Id);
            return true;
        });

        var (browser, last) = await SignInAsync(person);
        using var _ = browser;

        Assert.Equal("/login/refused", browser.Hops[^1].Url.AbsolutePath);
        Assert.Contains("locked", WebUtility.HtmlDecode(await last.Content.ReadAsStringAsync()));
        Assert.Null(await RoleAsync(browser.Portal));
    }
}
