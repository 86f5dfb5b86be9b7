using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

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
    }

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
