using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>The real host in memory, with an automation API key and small limits that tests can hit.</summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-admin-key-0123456789";
    public const long AnalysisMaxBodyBytes = 4 * 1024 * 1024;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Portal:Bootstrap:ApiKey", ApiKey);
        builder.UseSetting("Portal:Limits:AnalysisMaxBodyBytes", AnalysisMaxBodyBytes.ToString());
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
