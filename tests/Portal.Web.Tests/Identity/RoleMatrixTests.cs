using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity;

/// <summary>Signs in one user per role (through the login form) and creates one key of each kind, once for the class.</summary>
public sealed class SignedInClients : IAsyncLifetime
{
    private readonly Dictionary<string, HttpClient> clients = [];

    public PortalFactory Factory { get; } = new();

    public HttpClient For(string caller) => clients[caller];

    public async Task InitializeAsync()
    {
        clients[RoleMatrixTests.Anonymous] = Factory.CreateBrowserClient();
        foreach (var role in PortalRoles.All)
        {
            clients[role] = await Factory.SignInAsync(role);
        }

        clients[RoleMatrixTests.AdminKey] = Factory.CreateApiClient((await Factory.CreateApiKeyAsync(PortalClaims.AdminScope)).Key);
        clients[RoleMatrixTests.ModelKey] = Factory.CreateApiClient((await Factory.CreateApiKeyAsync("churn")).Key);
        clients[RoleMatrixTests.BadKey] = Factory.CreateApiClient("pk_abcdefgh_not-a-real-key");
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Role × page and role × endpoint: every caller against every protected target, each allowed and each denied case.
/// Pages: 200, or a redirect to /login for anonymous people, or 403 with the access-denied view.
/// API: 200, or 401 without valid credentials, or 403 for a role or key that is not enough.
/// </summary>
public sealed class RoleMatrixTests(SignedInClients callers) : IClassFixture<SignedInClients>
{
    public const string Anonymous = "anonymous";
    public const string AdminKey = "admin key";
    public const string ModelKey = "model key";
    public const string BadKey = "invalid key";

    private static readonly string[] People = [Anonymous, .. PortalRoles.All];
    private static readonly string[] Keys = [AdminKey, ModelKey, BadKey];

    /// <summary>
    /// Every protected target and the least role it needs (null: any signed-in user or valid key). The analysis call
    /// sends mismatched lengths, so a caller who gets through is answered 400 by the endpoint itself.
    /// </summary>
    private static readonly (string Method, string Path, string? MinimumRole)[] Pages =
    [
        ("GET", "/", PortalRoles.Viewer),
        ("GET", "/drift/ad-hoc", PortalRoles.Viewer),
        ("GET", "/admin/audit", PortalRoles.Engineer),
        ("GET", "/admin/users", PortalRoles.Admin),
        ("GET", "/admin/api-keys", PortalRoles.Admin),
        ("GET", "/models", PortalRoles.Viewer),
        ("GET", "/jobs/runs", PortalRoles.Viewer),
        ("GET", "/alerts", PortalRoles.Viewer),
        ("GET", "/alerts/rules/new", PortalRoles.Admin),
        ("GET", "/alerts/channels", PortalRoles.Admin),
        ("GET", "/experiments", PortalRoles.Viewer),
        ("GET", "/experiments/new", PortalRoles.ProductOwner),
    ];

    private static readonly (string Method, string Path, string? MinimumRole)[] Endpoints =
    [
        ("GET", "/api/v1/me", null),
        ("POST", "/api/v1/analysis/regression", null),
        ("GET", "/api/v1/audit", PortalRoles.Engineer),
        ("GET", "/api/v1/api-keys", PortalRoles.Admin),
    ];

    public static TheoryData<string, string, string> PageCases() => Cases(Pages, People);

    public static TheoryData<string, string, string> EndpointCases() => Cases(Endpoints, [.. People, .. Keys]);

    [Theory]
    [InlineData(Anonymous, HttpStatusCode.Redirect)]
    [InlineData(PortalRoles.Viewer, HttpStatusCode.Forbidden)]
    [InlineData(PortalRoles.ProductOwner, HttpStatusCode.Forbidden)]
    [InlineData(PortalRoles.Admin, HttpStatusCode.OK)]
    public async Task Hangfire_dashboard_is_for_admins_only(string caller, HttpStatusCode expected)
    {
        using var response = await callers.For(caller).GetAsync("/jobs");

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Contains("Hangfire", await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [MemberData(nameof(PageCases))]
    public async Task Page(string caller, string method, string path)
    {
        var minimum = Pages.Single(p => p.Path == path).MinimumRole!;
        using var response = await callers.For(caller).SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        if (caller == Anonymous)
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/login?ReturnUrl=" + Uri.EscapeDataString(path), response.Headers.Location?.PathAndQuery);
        }
        else if (Allows(caller, minimum))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("data-testid=\"access-denied\"", await response.Content.ReadAsStringAsync());
        }
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("data-testid=\"access-denied\"", await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [MemberData(nameof(EndpointCases))]
    public async Task Endpoint(string caller, string method, string path)
    {
        var minimum = Endpoints.Single(p => p.Path == path).MinimumRole;
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { yTrue = new[] { 1.0, 2.0 }, yPred = new[] { 1.0 } });
        }

        using var response = await callers.For(caller).SendAsync(request);

        var reached = method == "POST" ? HttpStatusCode.BadRequest : HttpStatusCode.OK;
        var expected = caller is Anonymous or BadKey ? HttpStatusCode.Unauthorized
            : minimum is null || Allows(caller, minimum) ? reached
            : HttpStatusCode.Forbidden;
        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Every_policy_admits_exactly_the_roles_at_or_above_it()
    {
        var authorization = callers.Factory.Services.GetRequiredService<IAuthorizationService>();
        foreach (var policyRole in PortalRoles.All)
        {
            foreach (var userRole in PortalRoles.All)
            {
                var user = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                    [new(System.Security.Claims.ClaimTypes.Name, "u"), new(System.Security.Claims.ClaimTypes.Role, userRole)], "test"));
                var allowed = (await authorization.AuthorizeAsync(user, Policies.ForRole(policyRole))).Succeeded;
                Assert.True(allowed == PortalRoles.Rank(userRole) >= PortalRoles.Rank(policyRole), $"{userRole} against {policyRole}: {(allowed ? "allowed" : "denied")}");
            }
        }
    }

    private static bool Allows(string caller, string minimumRole) => caller switch
    {
        AdminKey => true,
        ModelKey or BadKey or Anonymous => false,
        _ => PortalRoles.Rank(caller) >= PortalRoles.Rank(minimumRole),
    };

    private static TheoryData<string, string, string> Cases((string Method, string Path, string? MinimumRole)[] targets, string[] who)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var caller in who)
        {
            foreach (var (method, path, _) in targets)
            {
                data.Add(caller, method, path);
            }
        }

        return data;
    }
}
