using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Web.Features.Admin.ApiKeys;
using Portal.Web.Features.Admin.Users;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// The real host in memory, with an automation API key and small limits that tests can hit. Every log line is
/// captured in <see cref="Logs"/>. Helpers create users and sign them in through the real login form.
/// The database is a temporary SQLite file, or with <c>PORTAL_TEST_PROVIDER=postgres</c> a fresh PostgreSQL database
/// (<see cref="TestDatabase"/>), chosen through the portal's own settings (<c>Portal:Database:Provider</c>,
/// <c>ConnectionStrings:Portal</c>) like a deployment would.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-admin-key-0123456789";
    public const long AnalysisMaxBodyBytes = 4 * 1024 * 1024;
    public const string Password = "test-password-0123456789";

    /// <summary>The SQLite file (a fresh temporary one unless given); deleted with the factory.</summary>
    public string DatabaseFile { get; init; } = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.db");

    /// <summary>The database provider (<see cref="TestDatabase.Provider"/> unless given).</summary>
    public DatabaseProvider Provider { get; init; } = TestDatabase.Provider;

    private string? postgresConnectionString;

    /// <summary>A database made by <see cref="TestDatabase.CreateAsync"/> that outlives this host (restart tests); not deleted with it.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>This host's PostgreSQL database, created on first use (derived hosts of <c>WithWebHostBuilder</c> share it).</summary>
    public string PostgresConnectionString =>
        LazyInitializer.EnsureInitialized(ref postgresConnectionString, () => TestDatabase.CreatePostgresAsync().GetAwaiter().GetResult());

    /// <summary>The host environment ("Testing" unless given).</summary>
    public string EnvironmentName { get; init; } = "Testing";
    private int userCount;

    public LogSink Logs { get; } = new();

    /// <summary>Failed API key attempts allowed per minute (null: the portal's default). High by default so tests of 401s never meet 429.</summary>
    public int? ApiKeyFailuresPerMinute { get; init; } = 1000;

    /// <summary>Extra configuration, e.g. <c>Portal:Bootstrap:AdminEmail</c>.</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>Replaces or configures services after the portal registered its own.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            builder.UseSetting(DataServiceCollectionExtensions.ProviderKey, "Postgres");
        }

        builder.UseSetting("ConnectionStrings:Portal", ConnectionString
            ?? (Provider == DatabaseProvider.Postgres ? PostgresConnectionString : $"Data Source={DatabaseFile}"));

        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("Portal:Bootstrap:ApiKey", ApiKey);
        builder.UseSetting("Portal:Limits:AnalysisMaxBodyBytes", AnalysisMaxBodyBytes.ToString());
        builder.UseSetting("Portal:Demo:Enabled", "false");
        builder.UseSetting("Portal:Resources:SelfSampleSeconds", "0");
        if (ApiKeyFailuresPerMinute is { } failures)
        {
            builder.UseSetting("Portal:Auth:ApiKeyFailuresPerMinute", failures.ToString());
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<IApiKeyValidator, ScopedTestKeyValidator>());
        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.AddFilter<LogSink>(null, LogLevel.Debug);
        });
    }

    /// <summary>An API key scoped to one model (accepted only by this test host).</summary>
    public static string ScopedKey(string model) => ScopedTestKeyValidator.Prefix + model;

    /// <summary>How long disposing the host may take before the test run abandons it and goes on.</summary>
    private static readonly TimeSpan DisposeGuard = TimeSpan.FromSeconds(60);

    protected override void Dispose(bool disposing)
    {
        // WebApplicationFactory disposes synchronously over the host's async stop; twice (in loaded runs) that wait
        // never returned, with the host's stop continuations running inline under it, and hung the whole run. Disposal
        // runs on its own thread and is abandoned after the guard (the host's threads are background threads).
        var disposal = Task.Run(() => base.Dispose(disposing));
        if (!disposal.Wait(DisposeGuard))
        {
            Console.Error.WriteLine($"PortalFactory: the test host did not dispose within {DisposeGuard.TotalSeconds:0} s; abandoned.");
        }

        if (postgresConnectionString is not null)
        {
            TestDatabase.DropPostgresAsync(postgresConnectionString).GetAwaiter().GetResult();
        }

        foreach (var file in new[] { DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm" })
        {
            File.Delete(file);
        }
    }

    public HttpClient CreateApiClient(string? key = ApiKey)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    /// <summary>
    /// A browser-like client: keeps cookies, does not follow redirects (so tests see them), and, like a browser, names
    /// the page's origin in an <c>Origin</c> header on writes (<paramref name="origin"/>; null: none).
    /// </summary>
    public HttpClient CreateBrowserClient(string? origin = OwnOrigin) =>
        CreateDefaultClient(new Uri(OwnOrigin), new CookieContainerHandler(), new OriginHandler(origin));

    /// <summary>The test host's own origin.</summary>
    public const string OwnOrigin = "http://localhost";

    private sealed class OriginHandler(string? origin) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (origin is not null && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head && !request.Headers.Contains("Origin"))
            {
                request.Headers.Add("Origin", origin);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="work"/> with a service of a fresh scope (as "system").</summary>
    public async Task<T> WithServiceAsync<TService, T>(Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public Task<UserRow> CreateUserAsync(string role, string? email = null, string? displayName = null, string password = Password) =>
        WithServiceAsync<UserAdminService, UserRow>(async users =>
            (await users.CreateAsync(email ?? $"{role.ToLowerInvariant()}-{Interlocked.Increment(ref userCount)}@test.local", displayName, role, password)).User);

    public Task<CreatedApiKey> CreateApiKeyAsync(string scope, string name = "test key") =>
        WithServiceAsync<ApiKeyService, CreatedApiKey>(keys => keys.CreateAsync(name, scope));

    /// <summary>A new user with <paramref name="role"/>, signed in through the login form; the client holds the cookie.</summary>
    public async Task<HttpClient> SignInAsync(string role) => (await SignInNewUserAsync(role)).Client;

    public async Task<(UserRow User, HttpClient Client)> SignInNewUserAsync(string role)
    {
        var user = await CreateUserAsync(role);
        var client = CreateBrowserClient();
        var response = await PostLoginAsync(client, user.Email, Password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {role} failed: {response.StatusCode}");
        }

        return (user, client);
    }

    /// <summary>Fills in and posts the real login form, antiforgery token included.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var path = returnUrl is null ? "/login" : "/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl);
        var form = await client.GetStringAsync(path);
        return await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = AntiforgeryToken(form),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    /// <summary>Where a redirect goes, as path and query; fails when it leaves the site.</summary>
    public static string RedirectTarget(HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException($"{response.StatusCode} without a Location header.");
        if (!location.IsAbsoluteUri)
        {
            return location.OriginalString;
        }

        Assert.Equal("localhost", location.Host);
        return location.PathAndQuery;
    }

    public static string AntiforgeryToken(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"") is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("The page has no antiforgery token.");
}

/// <summary>Accepts "test-scope-&lt;model&gt;" as a key scoped to that model, standing in for per-model keys (issue 5).</summary>
internal sealed class ScopedTestKeyValidator : IApiKeyValidator
{
    public const string Prefix = "test-scope-";

    public ValueTask<ClaimsIdentity?> ValidateAsync(string presentedKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(presentedKey.StartsWith(Prefix, StringComparison.Ordinal)
            ? ApiKeyIdentity.ForModel(presentedKey, presentedKey[Prefix.Length..])
            : null);
}
