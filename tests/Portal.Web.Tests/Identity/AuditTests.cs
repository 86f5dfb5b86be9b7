using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portal.Web.Features.Admin.ApiKeys;
using Portal.Web.Features.Admin.Audit;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Features.Admin.Users;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity;

public sealed class AuditTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Role_change_is_recorded_with_before_and_after()
    {
        var user = await factory.CreateUserAsync(PortalRoles.Viewer);

        await factory.WithServiceAsync<UserAdminService, bool>(async users =>
        {
            await users.SetRoleAsync(user.Id, PortalRoles.Engineer);
            return true;
        });

        var entry = (await SearchAsync(new AuditFilter(EntityType: UserAdminService.EntityType, Action: AuditActions.Update)))
            .Single(e => e.EntityId == user.Id);
        Assert.Equal("system", entry.Actor);
        Assert.Equal(PortalRoles.Viewer, (string?)JsonNode.Parse(entry.Before!)!["role"]);
        Assert.Equal(PortalRoles.Engineer, (string?)JsonNode.Parse(entry.After!)!["role"]);
        Assert.True(DateTime.UtcNow - entry.At < TimeSpan.FromMinutes(1));
        var changed = Assert.Single(AuditDiff.Compare(entry.Before, entry.After), r => r.Changed);
        Assert.Equal(("role", PortalRoles.Viewer, PortalRoles.Engineer), (changed.Field, changed.Before, changed.After));
    }

    [Fact]
    public async Task Key_create_and_revoke_through_the_api_are_recorded_with_the_acting_key()
    {
        using var admin = factory.CreateApiClient();
        using var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "audited", scope = "churn" });
        var id = (int)(await created.Content.ReadFromJsonAsync<JsonObject>())!["apiKey"]!["id"]!;
        await admin.DeleteAsync($"/api/v1/api-keys/{id}");

        var entries = (await SearchAsync(new AuditFilter(EntityType: ApiKeyService.EntityType))).Where(e => e.EntityId == id.ToString()).ToList();

        Assert.Equal([AuditActions.Revoke, AuditActions.Create], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal("api-key:bootstrap", e.Actor));
        Assert.Null(entries[1].Before);
        Assert.Equal("audited", (string?)JsonNode.Parse(entries[1].After!)!["name"]);
        Assert.Null(JsonNode.Parse(entries[0].Before!)!["revokedAt"]);
        Assert.NotNull(JsonNode.Parse(entries[0].After!)!["revokedAt"]);
    }

    [Fact]
    public async Task Api_filters_by_actor_and_entity_type_and_date()
    {
        await factory.CreateUserAsync(PortalRoles.Viewer);
        using var client = await factory.SignInAsync(PortalRoles.Engineer);

        var users = await client.GetFromJsonAsync<JsonObject>("/api/v1/audit?entityType=User&actor=SYS");
        var none = await client.GetFromJsonAsync<JsonObject>($"/api/v1/audit?from={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}");
        var today = await client.GetFromJsonAsync<JsonObject>($"/api/v1/audit?from={DateTime.UtcNow.AddHours(-1):O}&to={DateTime.UtcNow.AddHours(1):O}");

        Assert.True((int)users!["total"]! >= 2);
        Assert.All(users["items"]!.AsArray(), e => Assert.Equal("User", (string?)e!["entityType"]));
        Assert.Equal(0, (int)none!["total"]!);
        Assert.True((int)today!["total"]! >= 2);
    }

    [Fact]
    public async Task Audit_page_lists_entries_for_an_engineer()
    {
        using var client = await factory.SignInAsync(PortalRoles.Engineer);
        using var response = await client.GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Audit log", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Diff_flattens_nested_objects_and_marks_changes()
    {
        var rows = AuditDiff.Compare("""{"a": 1, "b": {"c": "x"}, "gone": true}""", """{"a": 1, "b": {"c": "y"}, "new": [1, 2]}""");

        Assert.Equal(
            [("a", "1", "1", false), ("b.c", "x", "y", true), ("gone", "true", null, true), ("new", null, "[1,2]", true)],
            rows.Select(r => (r.Field, r.Before, r.After, r.Changed)));
    }

    private Task<IReadOnlyList<Portal.Data.Audit.AuditEntry>> SearchAsync(AuditFilter filter) =>
        factory.WithServiceAsync<AuditQuery, IReadOnlyList<Portal.Data.Audit.AuditEntry>>(async q => (await q.SearchAsync(filter, 0, 100)).Items);
}
