using System.Security.Claims;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>The real host in memory, with an automation API key and small limits that tests can hit.</summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-admin-key-0123456789";
    public const long AnalysisMaxBodyBytes = 4 * 1024 * 1024;

    private readonly string databaseFile = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={databaseFile}");
        builder.UseEnvironment("Testing");
        builder.UseSetting("Portal:Bootstrap:ApiKey", ApiKey);
        builder.UseSetting("Portal:Limits:AnalysisMaxBodyBytes", AnalysisMaxBodyBytes.ToString());
        builder.UseSetting("Portal:Demo:Enabled", "false");
        builder.ConfigureTestServices(services => services.AddSingleton<IApiKeyValidator, ScopedTestKeyValidator>());
    }

    /// <summary>An API key scoped to one model (accepted only by this test host).</summary>
    public static string ScopedKey(string model) => ScopedTestKeyValidator.Prefix + model;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var file in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm" })
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
}

/// <summary>Accepts "test-scope-&lt;model&gt;" as a key scoped to that model, standing in for per-model keys (issue 5).</summary>
internal sealed class ScopedTestKeyValidator : IApiKeyValidator
{
    public const string Prefix = "test-scope-";

    public ValueTask<ClaimsIdentity?> ValidateAsync(string presentedKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(presentedKey.StartsWith(Prefix, StringComparison.Ordinal)
            ? new ClaimsIdentity([new Claim(ClaimTypes.Name, presentedKey), new Claim(PortalClaims.KeyScope, presentedKey[Prefix.Length..])], ApiKeyAuthenticationHandler.SchemeName)
            : null);
}
