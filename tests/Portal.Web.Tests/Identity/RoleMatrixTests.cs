using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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
        using var bootstrap = Factory.CreateApiClient();
        foreach (var model in new[] { RoleMatrixTests.Model, RoleMatrixTests.OtherModel })
        {
            await Ingestion.IngestionApi.CreateModelAsync(bootstrap, model);
        }

        clients[RoleMatrixTests.Anonymous] = Factory.CreateBrowserClient();
        foreach (var role in PortalRoles.All)
        {
            clients[role] = await Factory.SignInAsync(role);
        }

        clients[RoleMatrixTests.AdminKey] = Factory.CreateApiClient((await Factory.CreateApiKeyAsync(PortalClaims.AdminScope)).Key);
        clients[RoleMatrixTests.ModelKey] = Factory.CreateApiClient((await Factory.CreateApiKeyAsync(RoleMatrixTests.Model)).Key);
        clients[RoleMatrixTests.OtherModelKey] = Factory.CreateApiClient((await Factory.CreateApiKeyAsync(RoleMatrixTests.OtherModel)).Key);
        clients[RoleMatrixTests.BadKey] = Factory.CreateApiClient("pk_abcdefgh_not-a-real-key");
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Every route of the app × every kind of caller, from one table (<see cref="Routes"/>) that states who may call what.
/// The routes come from the app's <see cref="EndpointDataSource"/>: a route missing from the table fails
/// <see cref="Every_route_of_the_app_has_an_expectation"/>, so none can be forgotten.
/// A call is "allowed" when the answer is neither 401/403 nor a redirect to sign-in (a 400 for an empty body or a 404
/// for a made-up id means the caller got past authorization).
/// </summary>
public sealed partial class RoleMatrixTests(SignedInClients callers) : IClassFixture<SignedInClients>
{
    public const string Anonymous = "anonymous";
    public const string AdminKey = "admin key";
    public const string ModelKey = "key of the model";
    public const string OtherModelKey = "key of another model";
    public const string BadKey = "invalid key";
    public const string Model = "matrix-model";
    public const string OtherModel = "matrix-other";

    private static readonly string[] Callers = [Anonymous, .. PortalRoles.All, ModelKey, OtherModelKey, AdminKey, BadKey];

    /// <summary>Who may call a route.</summary>
    public enum Access
    {
        /// <summary>Everyone, signed in or not.</summary>
        Public,

        /// <summary>Any signed-in person and any valid key.</summary>
        SignedIn,

        /// <summary>Any signed-in person, an admin key, a key of the route's model (a key of another model: 403).</summary>
        ModelRead,

        /// <summary>An Engineer or higher, an admin key, a key of the route's model (<see cref="ModelAccess"/>).</summary>
        ModelWrite,

        /// <summary>A person of at least the given role, or an admin key; model keys never.</summary>
        Role,
    }

    public sealed record Rule(string Method, string Pattern, Access Access, string? MinimumRole = null)
    {
        public string Key => $"{Method} {Pattern}";

        public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";

        public override string ToString() => Key;
    }

    private static Rule Public(string method, string pattern) => new(method, pattern, Access.Public);

    private static Rule SignedIn(string method, string pattern) => new(method, pattern, Access.SignedIn);

    private static Rule Read(string method, string pattern) => new(method, pattern, Access.ModelRead);

    private static Rule Write(string method, string pattern) => new(method, pattern, Access.ModelWrite);

    private static Rule Viewer(string method, string pattern) => new(method, pattern, Access.Role, PortalRoles.Viewer);

    private static Rule Engineer(string method, string pattern) => new(method, pattern, Access.Role, PortalRoles.Engineer);

    private static Rule ProductOwner(string method, string pattern) => new(method, pattern, Access.Role, PortalRoles.ProductOwner);

    private static Rule Admin(string method, string pattern) => new(method, pattern, Access.Role, PortalRoles.Admin);

    private static Rule Page(string pattern, string minimumRole = PortalRoles.Viewer) => new("PAGE", pattern, Access.Role, minimumRole);

    /// <summary>
    /// The rules. Pages are listed as "PAGE" (people without the role get 403 and the access-denied view; anonymous
    /// people are sent to /login); "ANY" is a route that takes every method.
    /// </summary>
    public static readonly Rule[] Routes =
    [
        // Anonymous: health, metrics (Prometheus), sign-in and set-up, sign-out.
        Public("ANY", "/healthz"),
        Public("ANY", "/readyz"),
        Public("ANY", "/metrics"),
        Public("GET", "/api/docs/{documentName?}"), // the REST reference page (OpenApiDocumentTests reads /openapi/v1.json anonymously)
        Public("PAGE", "/login"),
        Public("PAGE", "/setup"),
        Public("GET", "/login/sso"), // single sign-on's start (404 while it is off, as here); SingleSignOnTests covers it
        Public("PAGE", "/login/refused"), // why single sign-on let someone not in
        Public("POST", "/logout"), // a form post with its antiforgery token; not called here (LoginTests covers it)

        // Account and analysis: anyone signed in, people or keys.
        SignedIn("GET", "/api/v1/me"),
        SignedIn("GET", "/api/v1/models"),
        SignedIn("POST", "/api/v1/analysis/drift"),
        SignedIn("POST", "/api/v1/analysis/drift/csv"),
        SignedIn("POST", "/api/v1/analysis/classification"),
        SignedIn("POST", "/api/v1/analysis/regression"),
        SignedIn("POST", "/api/v1/analysis/experiment"),

        // A model's figures: anyone signed in; keys only their own model.
        Read("GET", "/api/v1/models/{model}"),
        Read("GET", "/api/v1/models/{model}/summary"),
        Read("GET", "/api/v1/models/{model}/drift/runs"),
        Read("GET", "/api/v1/models/{model}/drift/runs/latest"),
        Read("GET", "/api/v1/models/{model}/drift/settings"),
        Read("GET", "/api/v1/models/{model}/drift/reports"),
        Read("GET", "/api/v1/models/{model}/drift/reports/{id:int}"),
        Read("GET", "/api/v1/models/{model}/drift-events"),
        Read("GET", "/api/v1/models/{model}/quality"),
        Read("GET", "/api/v1/models/{model}/fairness"),
        Read("GET", "/api/v1/models/{model}/fairness/settings"),
        Read("GET", "/api/v1/models/{model}/slos"),
        Read("GET", "/api/v1/models/{model}/slos/{id:int}"),
        Read("GET", "/api/v1/models/{model}/slos/{id:int}/burn-rates"),

        // A model's data (predictions, labels, resources, reference data, experiment traffic): Engineers and above, the model's key, admin keys.
        Write("POST", "/api/v1/models/{model}/predictions"),
        Write("POST", "/api/v1/models/{model}/feedback"),
        Write("PUT", "/api/v1/models/{model}/reference"),
        Write("POST", "/api/v1/resources"),
        Write("GET", "/api/v1/experiments/{id}/assignment"),
        Write("POST", "/api/v1/experiments/{id}/observations"),

        // Browsing: Viewer and above (no model keys).
        Viewer("GET", "/api/v1/jobs/runs"),
        Viewer("GET", "/api/v1/alerts"),
        Viewer("GET", "/api/v1/alerts/{id:long}"),
        Viewer("GET", "/api/v1/alert-rules"),
        Viewer("GET", "/api/v1/alert-rules/{id:int}"),
        Viewer("GET", "/api/v1/silences"),
        Viewer("GET", "/api/v1/silences/{id:int}"),
        Viewer("GET", "/api/v1/runbooks"),
        Viewer("GET", "/api/v1/runbooks/{id:int}"),
        Viewer("GET", "/api/v1/runbooks/{id:int}/versions"),
        Viewer("GET", "/api/v1/runbooks/{id:int}/versions/{version:int}"),
        Viewer("GET", "/api/v1/runbooks/{id:int}/render"),
        Engineer("POST", "/api/v1/alerts/{id:long}/acknowledge"),
        Engineer("POST", "/api/v1/alerts/{id:long}/unacknowledge"),
        Viewer("GET", "/api/v1/experiments"),
        Viewer("POST", "/api/v1/experiments/plan"),
        Viewer("GET", "/api/v1/experiments/{id}"),
        Viewer("GET", "/api/v1/experiments/{id}/analysis"),
        Viewer("GET", "/api/v1/experiments/{id}/export"),
        Viewer("GET", "/api/v1/changes"),
        Viewer("ANY", "/hubs/live/negotiate"),
        Viewer("ANY", "/hubs/live"),

        // Engineers: models and their schemas; drift, quality, fairness and SLO settings and runs; the audit log.
        Engineer("PUT", "/api/v1/models/{model}"),
        Engineer("POST", "/api/v1/models/{model}/drift/run"),
        Engineer("PUT", "/api/v1/models/{model}/drift/settings"),
        Engineer("POST", "/api/v1/models/{model}/drift/reports"),
        Engineer("DELETE", "/api/v1/models/{model}/drift/reports/{id:int}"), // and its author or an Admin (SavedDriftReportTests)
        Engineer("POST", "/api/v1/models/{model}/quality/run"),
        Engineer("PUT", "/api/v1/models/{model}/fairness/settings"),
        Engineer("POST", "/api/v1/models/{model}/fairness/run"),
        Viewer("GET", "/api/v1/slos/prometheus-rules"),
        Engineer("POST", "/api/v1/models/{model}/slos"),
        Engineer("PUT", "/api/v1/models/{model}/slos/{id:int}"),
        Engineer("DELETE", "/api/v1/models/{model}/slos/{id:int}"),
        Engineer("GET", "/api/v1/audit"),

        // Product owners: experiments.
        ProductOwner("POST", "/api/v1/experiments"),
        ProductOwner("PUT", "/api/v1/experiments/{id}"),
        ProductOwner("DELETE", "/api/v1/experiments/{id}"),
        ProductOwner("POST", "/api/v1/experiments/{id}/start"),
        ProductOwner("POST", "/api/v1/experiments/{id}/stop"),
        ProductOwner("POST", "/api/v1/experiments/{id}/conclude"),
        ProductOwner("POST", "/api/v1/experiments/{id}/analyses"),

        // Admins: alert rules, channels, silences, runbooks, API keys, provisioning, the job dashboard.
        Admin("POST", "/api/v1/alert-rules"),
        Admin("POST", "/api/v1/alert-rules/preview"),
        Admin("PUT", "/api/v1/alert-rules/{id:int}"),
        Admin("DELETE", "/api/v1/alert-rules/{id:int}"),
        Admin("POST", "/api/v1/alert-rules/{id:int}/enable"),
        Admin("POST", "/api/v1/alert-rules/{id:int}/disable"),
        Admin("GET", "/api/v1/channels"),
        Admin("GET", "/api/v1/channels/{id:int}"),
        Admin("POST", "/api/v1/channels"),
        Admin("PUT", "/api/v1/channels/{id:int}"),
        Admin("DELETE", "/api/v1/channels/{id:int}"),
        Admin("POST", "/api/v1/channels/{id:int}/test"),
        Admin("GET", "/api/v1/channels/{id:int}/attempts"),
        Admin("POST", "/api/v1/silences"),
        Admin("POST", "/api/v1/silences/{id:int}/expire"),
        Admin("POST", "/api/v1/runbooks"),
        Admin("PUT", "/api/v1/runbooks/{id:int}"),
        Admin("DELETE", "/api/v1/runbooks/{id:int}"),
        Admin("GET", "/api/v1/api-keys"),
        Admin("POST", "/api/v1/api-keys"),
        Admin("DELETE", "/api/v1/api-keys/{id:int}"),
        Admin("GET", "/api/v1/provisioning/status"),
        Admin("GET", "/api/v1/provisioning/export"),
        Admin("ANY", "/jobs/{**path}"),

        // Pages.
        Page("/"),
        Page("/not-found"),
        Page("/Error"),
        Page("/models"),
        Page("/models/{ModelName}"),
        Page("/models/{Model}/drift-settings"),
        Page("/models/{Model}/fairness-settings"),
        Page("/models/{Model}/slos"),
        Page("/drift/ad-hoc"),
        Page("/models/{Model}/drift/reports/{Id:int}"),
        Page("/jobs/runs"),
        Page("/alerts"),
        Page("/alerts/{Id:long}"),
        Page("/alerts/silences"),
        Page("/alerts/rules"),
        Page("/alerts/rules/new", PortalRoles.Admin),
        Page("/alerts/rules/{Id:int}", PortalRoles.Admin),
        Page("/alerts/channels", PortalRoles.Admin),
        Page("/runbooks"),
        Page("/runbooks/{Id:int}"),
        Page("/runbooks/new", PortalRoles.Admin),
        Page("/runbooks/{Id:int}/edit", PortalRoles.Admin),
        Page("/experiments"),
        Page("/experiments/{Id}"),
        Page("/experiments/new", PortalRoles.ProductOwner),
        Page("/experiments/{Id}/edit", PortalRoles.ProductOwner),
        Page("/admin/audit", PortalRoles.Engineer),
        Page("/admin/users", PortalRoles.Admin),
        Page("/admin/api-keys", PortalRoles.Admin),
        Page("/admin/provisioning", PortalRoles.Admin),
    ];

    public enum Outcome
    {
        Allowed,
        SignInNeeded,
        Forbidden,
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var rule in Routes)
        {
            foreach (var caller in Callers)
            {
                data.Add(rule.Key, caller);
            }
        }

        return data;
    }

    public static TheoryData<string> Writes()
    {
        var data = new TheoryData<string>();
        foreach (var rule in Routes.Where(r => r.IsWrite && r.Pattern.StartsWith("/api/", StringComparison.Ordinal)))
        {
            data.Add(rule.Key);
        }

        return data;
    }

    /// <summary>The table's answer for a caller.</summary>
    public static Outcome Expected(Rule rule, string caller)
    {
        if (rule.Access == Access.Public)
        {
            return Outcome.Allowed;
        }

        if (caller is Anonymous or BadKey)
        {
            return Outcome.SignInNeeded;
        }

        var hasModel = rule.Pattern.Contains("{model}", StringComparison.Ordinal);
        var allowed = rule.Access switch
        {
            Access.SignedIn => true,
            Access.ModelRead => caller != OtherModelKey || !hasModel,
            Access.ModelWrite => caller switch
            {
                AdminKey or ModelKey => true,
                OtherModelKey => !hasModel,
                _ => PortalRoles.Rank(caller) >= PortalRoles.Rank(PortalRoles.Engineer),
            },
            _ => caller switch
            {
                AdminKey => true,
                ModelKey or OtherModelKey => false,
                _ => PortalRoles.Rank(caller) >= PortalRoles.Rank(rule.MinimumRole!),
            },
        };
        return allowed ? Outcome.Allowed : Outcome.Forbidden;
    }

    [Fact]
    public void Every_route_of_the_app_has_an_expectation()
    {
        var app = AppRoutes();
        var table = Routes.Select(r => r.Key).ToHashSet();

        var missing = app.Except(table).Order().ToList();
        var stale = table.Except(app).Order().ToList();

        Assert.True(missing.Count + stale.Count == 0,
            $"Routes without an expectation in RoleMatrixTests.Routes:\n{string.Join('\n', missing)}\nExpectations for routes the app does not have:\n{string.Join('\n', stale)}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Route(string route, string caller)
    {
        var rule = Routes.Single(r => r.Key == route);
        if (rule.Pattern == "/logout")
        {
            return; // signing out would end the shared signed-in clients' sessions
        }

        var expected = Expected(rule, caller);
        var (status, location, body) = await CallAsync(callers.For(caller), rule);

        var actual = status switch
        {
            HttpStatusCode.Unauthorized => Outcome.SignInNeeded,
            HttpStatusCode.Redirect when location?.StartsWith("/login", StringComparison.Ordinal) == true => Outcome.SignInNeeded,
            HttpStatusCode.Forbidden => Outcome.Forbidden,
            _ => Outcome.Allowed,
        };
        Assert.True(expected == actual, $"{caller} on {route}: expected {expected}, got {(int)status} {location} {body[..Math.Min(body.Length, 300)]}");
        if (rule.Method == "PAGE" && expected == Outcome.Forbidden && PortalRoles.IsRole(caller))
        {
            Assert.Contains("data-testid=\"access-denied\"", body);
        }
        else if (rule.Method != "PAGE" && expected != Outcome.Allowed && !rule.Pattern.StartsWith("/jobs", StringComparison.Ordinal))
        {
            Assert.Contains("\"status\":", body); // problem+json, not a redirect or an HTML page
        }

        if (rule.Method == "PAGE" && caller == Anonymous && expected == Outcome.SignInNeeded)
        {
            Assert.Equal("/login?ReturnUrl=" + Uri.EscapeDataString(Fill(rule.Pattern)), location);
        }
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Cookie_write_from_a_foreign_origin_or_one_a_form_could_send_is_refused(string route)
    {
        var rule = Routes.Single(r => r.Key == route);
        var admin = callers.For(PortalRoles.Admin);

        using var foreign = Request(rule, "application/json");
        foreign.Headers.Add("Origin", "https://evil.example");
        // A POST a form or a simple fetch could send (text/plain); PUT/PATCH/DELETE are never simple, so from an opaque origin.
        using var formLike = Request(rule, rule.Method == "POST" ? "text/plain" : "application/json");
        if (rule.Method != "POST")
        {
            formLike.Headers.Add("Origin", "null");
        }

        foreach (var request in new[] { foreign, formLike })
        {
            using var response = await admin.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("Cross-site request refused", await response.Content.ReadAsStringAsync());
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
                var user = new ClaimsPrincipal(new ClaimsIdentity([new(ClaimTypes.Name, "u"), new(ClaimTypes.Role, userRole)], "test"));
                var allowed = (await authorization.AuthorizeAsync(user, Policies.ForRole(policyRole))).Succeeded;
                Assert.True(allowed == PortalRoles.Rank(userRole) >= PortalRoles.Rank(policyRole), $"{userRole} against {policyRole}: {(allowed ? "allowed" : "denied")}");
            }
        }
    }

    /// <summary>"METHOD pattern" of every route the app maps (pages as "PAGE pattern"), static files aside.</summary>
    private HashSet<string> AppRoutes()
    {
        var source = callers.Factory.Services.GetRequiredService<EndpointDataSource>();
        var routes = new HashSet<string>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = Normalize(endpoint.RoutePattern.RawText ?? "");
            if (IsStaticFile(pattern))
            {
                continue;
            }

            if (endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            {
                routes.Add("PAGE " + pattern);
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"];
            foreach (var method in methods.Where(m => m is not "HEAD" and not "OPTIONS"))
            {
                routes.Add($"{method} {pattern}");
            }
        }

        return routes;
    }

    private static string Normalize(string pattern)
    {
        pattern = "/" + pattern.Trim('/');
        return pattern;
    }

    /// <summary>
    /// Files of wwwroot and the framework (anything whose last segment has an extension), served to everyone, and the
    /// Blazor circuit's own endpoints (<c>/_blazor</c>: a circuit only renders pages, each under its own policy).
    /// </summary>
    private static bool IsStaticFile(string pattern) => StaticFile().IsMatch(pattern);

    [GeneratedRegex(@"\.[A-Za-z0-9]+$|:file\}$|^/_framework/|^/_content/|^/_blazor")]
    private static partial Regex StaticFile();

    [GeneratedRegex(@"\{(\*\*)?(\w+)(:[^}]*)?\??\}")]
    private static partial Regex Parameter();

    /// <summary>The pattern with its parameters filled in: the model, a made-up id, an empty catch-all.</summary>
    private static string Fill(string pattern)
    {
        var path = Parameter().Replace(pattern, m =>
            m.Groups[1].Success ? "" : m.Groups[2].Value.ToLowerInvariant() is "model" or "modelname" ? Model : "999999");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    private static HttpRequestMessage Request(Rule rule, string contentType)
    {
        var method = rule.Method is "PAGE" or "ANY" ? "GET" : rule.Method;
        var request = new HttpRequestMessage(new HttpMethod(method), Fill(rule.Pattern));
        if (rule.IsWrite)
        {
            request.Content = new StringContent("{}", Encoding.UTF8);
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return request;
    }

    private static async Task<(HttpStatusCode Status, string? Location, string Body)> CallAsync(HttpClient client, Rule rule)
    {
        using var request = Request(rule, "application/json");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var streaming = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            var body = streaming ? "" : await response.Content.ReadAsStringAsync(timeout.Token);
            var location = response.Headers.Location is { } uri ? uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString : null;
            return (response.StatusCode, location, body);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (HttpStatusCode.OK, null, "(a long-running answer: past authorization)");
        }
    }
}
