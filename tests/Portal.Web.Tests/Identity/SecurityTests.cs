using System.Net.Http.Json;
using Portal.Web.Features.Admin.Users;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity;

public sealed class SecurityTests
{
    private const string Payload = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=1\">";

    [Fact]
    public async Task Keys_passwords_and_tokens_never_reach_the_logs()
    {
        const string bootstrapPassword = "bootstrap-secret-password-77";
        using var factory = new PortalFactory
        {
            Settings = { ["Portal:Bootstrap:AdminEmail"] = "ops@test.local", ["Portal:Bootstrap:AdminPassword"] = bootstrapPassword },
        };

        using var browser = factory.CreateBrowserClient();
        await PortalFactory.PostLoginAsync(browser, "ops@test.local", bootstrapPassword);
        await PortalFactory.PostLoginAsync(factory.CreateBrowserClient(), "ops@test.local", "wrong-password-that-is-secret");
        var (user, oneTimePassword) = await factory.WithServiceAsync<UserAdminService, (UserRow, string)>(u => u.CreateAsync("new@test.local", null, PortalRoles.Viewer));
        using var admin = factory.CreateApiClient();
        using var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "logged?", scope = "churn" });
        var key = (string)(await created.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["key"]!;
        await factory.CreateApiClient(key).GetAsync("/api/v1/me");
        await factory.CreateApiClient(key + "x").GetAsync("/api/v1/me");
        await factory.CreateApiClient("pk_zzzzzzzz_an-invalid-secret-guess").GetAsync("/api/v1/me");

        var logs = factory.Logs.All;
        Assert.Contains("ops@test.local", logs); // the logs were captured
        foreach (var secret in new[] { bootstrapPassword, "wrong-password-that-is-secret", oneTimePassword, key, key[12..], PortalFactory.ApiKey, "an-invalid-secret-guess" })
        {
            Assert.DoesNotContain(secret, logs);
        }

        Assert.NotNull(user);
    }

    [Fact]
    public async Task Markup_in_names_is_rendered_as_text()
    {
        using var factory = new PortalFactory();
        await factory.CreateUserAsync(PortalRoles.Viewer, displayName: Payload);
        await factory.CreateApiKeyAsync("churn", name: Payload); // a scope is "admin" or a model name: it cannot hold markup
        using var admin = await factory.SignInAsync(PortalRoles.Admin);

        foreach (var page in new[] { "/admin/users", "/admin/api-keys" })
        {
            var html = await admin.GetStringAsync(page);
            Assert.DoesNotContain("<script>window.__xss", html);
            Assert.DoesNotContain("<img src=x", html);
            Assert.Contains("&lt;script&gt;window.__xss=1&lt;/script&gt;", html);
        }
    }
}
