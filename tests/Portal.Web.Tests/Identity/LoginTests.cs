using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Features.Admin.Users;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity;

public sealed class LoginTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Right_password_signs_in_and_returns_to_the_page_asked_for()
    {
        var user = await factory.CreateUserAsync(PortalRoles.Viewer);
        using var client = factory.CreateBrowserClient();

        using var response = await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password, "/admin/audit?x=1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/audit?x=1", PortalFactory.RedirectTarget(response));
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Portal.Auth=", StringComparison.Ordinal) && c.Contains("httponly"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("https://evil.example/x")]
    [InlineData("/\\evil.example")]
    public async Task Return_url_off_the_site_goes_home(string returnUrl)
    {
        var user = await factory.CreateUserAsync(PortalRoles.Viewer);
        using var client = factory.CreateBrowserClient();

        using var response = await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", PortalFactory.RedirectTarget(response));
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_message()
    {
        var user = await factory.CreateUserAsync(PortalRoles.Viewer);
        using var client = factory.CreateBrowserClient();

        using var response = await PortalFactory.PostLoginAsync(client, user.Email, "wrong password 123");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The e-mail or password is wrong.", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Unknown_email_gets_the_same_message()
    {
        using var client = factory.CreateBrowserClient();
        using var response = await PortalFactory.PostLoginAsync(client, "nobody@test.local", "whatever whatever");
        Assert.Contains("The e-mail or password is wrong.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Five_failures_lock_the_account_even_for_the_right_password()
    {
        var user = await factory.CreateUserAsync(PortalRoles.Engineer);
        using var client = factory.CreateBrowserClient();
        for (var i = 0; i < 5; i++)
        {
            await PortalFactory.PostLoginAsync(client, user.Email, $"wrong password {i}");
        }

        using var response = await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("locked", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Login_form_without_antiforgery_token_is_rejected()
    {
        var user = await factory.CreateUserAsync(PortalRoles.Viewer);
        using var client = factory.CreateBrowserClient();
        await client.GetAsync("/login");

        using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Email"] = user.Email,
            ["Input.Password"] = PortalFactory.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("Portal.Auth=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sign_out_needs_the_antiforgery_token_and_ends_the_session()
    {
        using var client = await factory.SignInAsync(PortalRoles.Viewer);

        using var forged = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        var home = await client.GetStringAsync("/");
        using var response = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PortalFactory.AntiforgeryToken(home),
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", PortalFactory.RedirectTarget(response));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Locked_user_loses_the_open_session_and_cannot_sign_in_again()
    {
        using var factory = CheckingTheStampOnEveryRequest();
        var (user, client) = await factory.SignInNewUserAsync(PortalRoles.Viewer);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        await factory.WithServiceAsync<UserAdminService, bool>(async users =>
        {
            await users.LockAsync(user.Id);
            return true;
        });

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
        using var again = factory.CreateBrowserClient();
        using var response = await PortalFactory.PostLoginAsync(again, user.Email, PortalFactory.Password);
        Assert.Contains("locked", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Role_change_applies_to_the_open_session()
    {
        using var factory = CheckingTheStampOnEveryRequest();
        var (user, client) = await factory.SignInNewUserAsync(PortalRoles.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/admin/audit")).StatusCode);

        await factory.WithServiceAsync<UserAdminService, bool>(async users =>
        {
            await users.SetRoleAsync(user.Id, PortalRoles.Engineer);
            return true;
        });

        // The old cookie no longer counts; signing in again gives the new role.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin/audit")).StatusCode);
        await PortalFactory.PostLoginAsync(client, user.Email, PortalFactory.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/audit")).StatusCode);
    }

    /// <summary>The cookie is re-validated against the user's security stamp every minute; here on every request.</summary>
    private static PortalFactory CheckingTheStampOnEveryRequest() => new()
    {
        TestServices = s => s.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero),
    };
}
