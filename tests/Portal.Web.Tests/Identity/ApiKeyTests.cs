using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity;

public sealed class ApiKeyTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Created_key_works_and_carries_its_model_scope()
    {
        var created = await factory.CreateApiKeyAsync("churn");
        using var client = factory.CreateApiClient(created.Key);

        var me = await client.GetFromJsonAsync<JsonObject>("/api/v1/me");

        Assert.Equal("api-key:test key", (string?)me!["name"]);
        Assert.Equal("churn", (string?)me["scope"]);
        Assert.Null(me["role"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/api-keys")).StatusCode);
    }

    [Fact]
    public async Task Admin_key_acts_as_admin()
    {
        var created = await factory.CreateApiKeyAsync(PortalClaims.AdminScope);
        using var client = factory.CreateApiClient(created.Key);

        var me = await client.GetFromJsonAsync<JsonObject>("/api/v1/me");

        Assert.Equal("admin", (string?)me!["scope"]);
        Assert.Equal(PortalRoles.Admin, (string?)me["role"]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/api-keys")).StatusCode);
    }

    [Fact]
    public async Task Revoked_key_is_refused_at_once()
    {
        var created = await factory.CreateApiKeyAsync("churn");
        using var client = factory.CreateApiClient(created.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        using var admin = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/api-keys/{created.Row.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/v1/api-keys/999999")).StatusCode);
    }

    [Fact]
    public async Task Only_the_hash_is_stored_and_lists_never_show_the_secret()
    {
        var created = await factory.CreateApiKeyAsync("fraud");

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().ApiKeys.SingleAsync(k => k.Id == created.Row.Id);
            Assert.Equal(ApiKeyHash.Of(created.Key), stored.Hash);
            Assert.Equal(created.Key[3..11], stored.Prefix);
            Assert.DoesNotContain(created.Key, string.Join("|", stored.Name, stored.Prefix, stored.Scope, stored.CreatedBy));
        }

        using var admin = factory.CreateApiClient();
        var list = await admin.GetStringAsync("/api/v1/api-keys");
        Assert.Contains(created.Row.Prefix, list);
        Assert.DoesNotContain(created.Key, list);
        Assert.Matches("^pk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$", created.Key);
    }

    [Fact]
    public async Task Rest_api_creates_a_key_shown_once()
    {
        using var admin = factory.CreateApiClient();

        using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "scoring-service", scope = "churn" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var key = (string)body["key"]!;
        using var client = factory.CreateApiClient(key);
        Assert.Equal("churn", (string?)(await client.GetFromJsonAsync<JsonObject>("/api/v1/me"))!["scope"]);
    }

    [Fact]
    public async Task Rest_api_names_the_missing_field()
    {
        using var admin = factory.CreateApiClient();

        using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]!["scope"]);
    }

    [Fact]
    public async Task Last_used_is_recorded()
    {
        var created = await factory.CreateApiKeyAsync("churn");
        Assert.Null(created.Row.LastUsedAt);
        using var client = factory.CreateApiClient(created.Key);

        await client.GetAsync("/api/v1/me");

        await using var scope = factory.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().ApiKeys.AsNoTracking().SingleAsync(k => k.Id == created.Row.Id);
        Assert.NotNull(stored.LastUsedAt);
        Assert.True(DateTime.UtcNow - stored.LastUsedAt!.Value < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Too_many_failed_keys_from_one_address_get_429_while_a_good_key_from_it_keeps_working()
    {
        using var limited = new PortalFactory { ApiKeyFailuresPerMinute = null };
        var good = await limited.CreateApiKeyAsync("churn");
        using var bad = limited.CreateApiClient("pk_aaaaaaaa_guess");

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync("/api/v1/me")).StatusCode);
        }

        using var limitedResponse = await bad.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedResponse.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), limitedResponse.Headers.RetryAfter?.Delta);
        using var goodClient = limited.CreateApiClient(good.Key);
        Assert.Equal(HttpStatusCode.OK, (await goodClient.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await bad.GetAsync("/api/v1/me")).StatusCode);
    }
}
