using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Identity;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity;

/// <summary>First start: a one-time setup link in the log is the only way in; or a bootstrap admin from configuration.</summary>
public sealed class SetupTests
{
    [Fact]
    public async Task Setup_link_creates_the_first_admin_once()
    {
        using var factory = new PortalFactory();
        using var client = factory.CreateBrowserClient();
        var link = SetupLink(factory);

        using var wrong = await client.GetAsync("/setup?token=not-the-token");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.DoesNotContain("Input.Email", await wrong.Content.ReadAsStringAsync());
        using var missing = await client.GetAsync("/setup");
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);

        using var created = await PostSetupAsync(client, link.PathAndQuery, "first@test.local");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/", PortalFactory.RedirectTarget(created));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/users")).StatusCode);

        using var other = factory.CreateBrowserClient();
        var again = await other.GetStringAsync(link.PathAndQuery);
        Assert.Contains("set up already", again);
        Assert.DoesNotContain("Input.Email", again);

        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var admin = Assert.Single(users.Users.ToList());
        Assert.Equal("first@test.local", admin.Email);
        Assert.True(await users.IsInRoleAsync(admin, PortalRoles.Admin));
        Assert.False(factory.Services.GetRequiredService<SetupToken>().IsActive);
    }

    [Fact]
    public async Task Setup_form_posted_with_a_wrong_token_creates_nobody()
    {
        using var factory = new PortalFactory();
        using var client = factory.CreateBrowserClient();
        var link = SetupLink(factory);
        var form = await client.GetStringAsync(link.PathAndQuery);

        using var response = await client.PostAsync("/setup?token=wrong", SetupForm(form, "wrong", "intruder@test.local"));

        // The form is not even rendered for a wrong token, so the post names an unknown form: 400.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Empty(scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().Users.ToList());
    }

    [Fact]
    public async Task Nothing_but_the_setup_page_answers_before_the_first_admin_exists()
    {
        using var factory = new PortalFactory();
        using var client = factory.CreateBrowserClient();
        SetupLink(factory);

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
        using var login = await PortalFactory.PostLoginAsync(client, "admin@portal.local", "admin");
        Assert.Contains("The e-mail or password is wrong.", await login.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bootstrap_admin_from_configuration_can_sign_in_and_no_setup_link_is_printed()
    {
        using var factory = new PortalFactory
        {
            Settings = { ["Portal:Bootstrap:AdminEmail"] = "ops@test.local", ["Portal:Bootstrap:AdminPassword"] = "bootstrap-password-42" },
        };
        using var client = factory.CreateBrowserClient();

        using var response = await PortalFactory.PostLoginAsync(client, "ops@test.local", "bootstrap-password-42");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/api-keys")).StatusCode);
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("/setup?token="));
        Assert.False(factory.Services.GetRequiredService<SetupToken>().IsActive);
    }

    [Fact]
    public async Task Demo_users_get_random_passwords_one_per_role()
    {
        using var factory = new PortalFactory { Settings = { ["Portal:Demo:Enabled"] = "true", ["Portal:Demo:BackfillDays"] = "0" } };
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        var demo = users.Users.ToList();

        Assert.Equal(PortalRoles.All.Count, demo.Count);
        foreach (var role in PortalRoles.All)
        {
            var user = Assert.Single(demo, u => u.Email == $"demo-{role.ToLowerInvariant()}@portal.local");
            Assert.True(await users.IsInRoleAsync(user, role));
            Assert.False(await users.CheckPasswordAsync(user, "demo"));
        }
    }

    internal static Uri SetupLink(PortalFactory factory)
    {
        _ = factory.Services; // starts the host
        var line = factory.Logs.Lines.Single(l => l.Contains("/setup?token="));
        return new Uri(Regex.Match(line, @"http://\S+/setup\?token=\S+").Value);
    }

    private static async Task<HttpResponseMessage> PostSetupAsync(HttpClient client, string path, string email)
    {
        var form = await client.GetStringAsync(path);
        var token = path.Split("token=")[1];
        return await client.PostAsync(path, SetupForm(form, token, email));
    }

    private static FormUrlEncodedContent SetupForm(string form, string token, string email) => new(new Dictionary<string, string>
    {
        ["_handler"] = "setup",
        ["__RequestVerificationToken"] = PortalFactory.AntiforgeryToken(form),
        ["Input.Token"] = token,
        ["Input.Email"] = email,
        ["Input.DisplayName"] = "First Admin",
        ["Input.Password"] = "first-admin-password",
        ["Input.ConfirmPassword"] = "first-admin-password",
    });
}
