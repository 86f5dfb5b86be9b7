using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Web.Features.Ingestion;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Ingestion.IngestionApi;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Tests.Identity;

/// <summary>
/// Who may write a model's data and definition: one rule (<see cref="ModelAccess"/>, used through
/// <see cref="Policies.ModelWriter"/>) — a key scoped to the model, an admin key, or an Engineer or higher.
/// </summary>
public sealed partial class ModelWriteAccessTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData("key:churn", "churn", true)]
    [InlineData("key:churn", "fraud", false)]
    [InlineData("admin key", "fraud", true)]
    [InlineData("role:Viewer", "churn", false)]
    [InlineData("role:Engineer", "churn", true)]
    [InlineData("role:ProductOwner", "churn", true)]
    [InlineData("role:Admin", "churn", true)]
    public async Task Model_writer_policy_follows_the_role_hierarchy_and_key_scopes(string who, string model, bool allowed)
    {
        var identity = who == "admin key" ? ApiKeyIdentity.Admin("k")
            : who.StartsWith("key:", StringComparison.Ordinal) ? ApiKeyIdentity.ForModel("k", who[4..])
            : new ClaimsIdentity([new(ClaimTypes.Name, "u"), new(ClaimTypes.Role, who[5..])], "test");
        var http = new DefaultHttpContext();
        http.Request.RouteValues["model"] = model;

        var authorization = factory.Services.GetRequiredService<IAuthorizationService>();
        var result = await authorization.AuthorizeAsync(new ClaimsPrincipal(identity), http, Policies.ModelWriter);

        Assert.Equal(allowed, result.Succeeded);
    }

    [Fact]
    public async Task A_viewer_cannot_post_resources_and_nothing_is_stored_while_an_engineer_can()
    {
        using var admin = factory.CreateApiClient();
        await CreateModelAsync(admin, "res-viewer");
        using var viewer = await factory.SignInAsync(PortalRoles.Viewer);
        using var engineer = await factory.SignInAsync(PortalRoles.Engineer);

        var (status, _, _) = await PostJsonAsync(viewer, "/api/v1/resources", """[{"host": "viewer-host", "model": "res-viewer", "cpuPercent": 5}]""");
        var answer = await PostOkAsync(engineer, "/api/v1/resources", """[{"host": "engineer-host", "model": "res-viewer", "cpuPercent": 5}]""");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(1, (int)answer["accepted"]!);
        await using var scope = factory.Services.CreateAsyncScope();
        var hosts = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().ResourceSamples.Select(r => r.Host).Distinct().ToListAsync();
        Assert.Contains("engineer-host", hosts);
        Assert.DoesNotContain("viewer-host", hosts);
    }

    [Fact]
    public async Task A_scoped_key_sending_made_up_model_names_costs_no_lookups_and_nothing_is_cached()
    {
        using var admin = factory.CreateApiClient();
        await CreateModelAsync(admin, "res-scoped");
        using var scoped = factory.CreateApiClient(PortalFactory.ScopedKey("res-scoped"));
        var catalog = factory.Services.GetRequiredService<ModelCatalog>();
        var madeUp = new JsonArray(Enumerable.Range(0, 10_000).Select(i => (JsonNode)new JsonObject { ["host"] = "h", ["model"] = $"made-up-{i}" }).ToArray());

        var before = ModelQueries();
        var scopedAnswer = await PostOkAsync(scoped, "/api/v1/resources", madeUp.ToJsonString());
        var scopedQueries = ModelQueries() - before;
        var adminAnswer = await PostOkAsync(admin, "/api/v1/resources", madeUp.ToJsonString());
        var adminQueries = ModelQueries() - before - scopedQueries;

        Assert.Equal(10_000, scopedAnswer["rejected"]!.AsArray().Count);
        Assert.Contains("may only send samples of model 'res-scoped'", RejectedErrors(scopedAnswer, 9_999));
        Assert.Equal(0, scopedQueries);
        Assert.Contains("there is no model 'made-up-9999'", RejectedErrors(adminAnswer, 9_999));
        Assert.InRange(adminQueries, 1, 2); // the counter sees lookups; 10,000 names are one query
        Assert.DoesNotContain(Enumerable.Range(0, 10_000), i => catalog.FindAsync($"made-up-{i}", default).AsTask().Result is not null);
        Assert.True(catalog.CachedCount < 100, $"{catalog.CachedCount} cached models: made-up names were cached");
    }

    [Fact]
    public async Task A_product_owner_may_define_a_model_and_engineers_and_product_owners_may_upload_reference_data()
    {
        using var owner = await factory.SignInAsync(PortalRoles.ProductOwner);
        using var engineer = await factory.SignInAsync(PortalRoles.Engineer);
        using var viewer = await factory.SignInAsync(PortalRoles.Viewer);

        using var put = await owner.PutAsJsonAsync("/api/v1/models/po-model", new { taskType = "binary" });
        using var byViewer = await viewer.PutAsJsonAsync("/api/v1/models/viewer-model", new { taskType = "binary" });
        using var byEngineer = await engineer.PutAsync("/api/v1/models/po-model/reference", Csv("x\n1\n2\n"));
        using var byOwner = await owner.PutAsync("/api/v1/models/po-model/reference", Csv("x\n1\n2\n3\n"));
        using var refusedReference = await viewer.PutAsync("/api/v1/models/po-model/reference", Csv("x\n1\n"));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byViewer.StatusCode);
        Assert.Equal(HttpStatusCode.Created, byEngineer.StatusCode);
        Assert.Equal(HttpStatusCode.Created, byOwner.StatusCode);
        Assert.Equal(3, (int)(await byOwner.Content.ReadFromJsonAsync<JsonObject>())!["rows"]!);
        Assert.Equal(HttpStatusCode.Forbidden, refusedReference.StatusCode);
    }

    [Fact]
    public async Task A_model_cannot_be_named_admin_and_a_key_whose_scope_reads_admin_is_not_an_admin_key()
    {
        using var admin = factory.CreateApiClient();
        using var named = await admin.PutAsJsonAsync("/api/v1/models/admin", new { taskType = "binary" });
        using var namedUpper = await admin.PutAsJsonAsync("/api/v1/models/Admin", new { taskType = "binary" });
        Assert.Equal(HttpStatusCode.BadRequest, named.StatusCode);
        Assert.Contains("\"model\"", await named.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, namedUpper.StatusCode);

        // A model key whose scope text is "admin" (what a key of a model named "admin" used to be): the kind decides.
        const string key = "pk_admmodel_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            db.ApiKeys.Add(new ApiKey { Name = "confusable", Prefix = "admmodel", Hash = ApiKeyHash.Of(key), Scope = "admin", ScopeKind = ApiKeyScopeKind.Model, CreatedBy = "test" });
            await db.SaveChangesAsync();
        }

        using var client = factory.CreateApiClient(key);
        var me = await client.GetFromJsonAsync<JsonObject>("/api/v1/me");
        using var list = await client.GetAsync("/api/v1/api-keys");
        using var mint = await client.PostAsJsonAsync("/api/v1/api-keys", new { name = "more", scope = "admin" });
        using var otherModel = await client.PostAsync("/api/v1/models/churn/predictions", new StringContent("[]", Encoding.UTF8, "application/json"));

        Assert.Null(me!["role"]);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherModel.StatusCode);
    }

    [Fact]
    public async Task Keys_made_for_admin_scope_are_admin_keys_and_others_name_a_model()
    {
        var adminKey = await factory.CreateApiKeyAsync(PortalClaims.AdminScope);
        var modelKey = await factory.CreateApiKeyAsync("churn");
        using var admin = factory.CreateApiClient();
        using var badScope = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", scope = "Admin" });

        Assert.Equal(ApiKeyScopeKind.Admin, adminKey.Row.ScopeKind);
        Assert.Equal(ApiKeyScopeKind.Model, modelKey.Row.ScopeKind);
        Assert.Equal(HttpStatusCode.BadRequest, badScope.StatusCode);
        Assert.Contains("scope", await badScope.Content.ReadAsStringAsync());
    }

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    /// <summary>SQL commands so far that looked models up by name (from the captured EF Core command log).</summary>
    private int ModelQueries() => factory.Logs.Lines.Count(l => l.Contains("Executed DbCommand", StringComparison.Ordinal) && ByName().IsMatch(l));

    // Npgsql leaves an alias unquoted when it needs no quotes (AS m), SQLite's provider always quotes it (AS "m").
    [GeneratedRegex("FROM \"Models\" AS \"?m\"?.*WHERE \"?m\"?.\"Name\" (=|IN)", RegexOptions.Singleline)]
    private static partial Regex ByName();
}
