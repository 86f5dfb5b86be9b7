using Microsoft.AspNetCore.Hosting;

namespace Portal.Web.Infrastructure;

public static class PortalHostOptions
{
    /// <summary>
    /// The content root is the application's folder, not the working directory: a service manager starts the portal
    /// from "/", where neither wwwroot (static assets would be empty 200s) nor appsettings.json is found.
    /// <c>--contentRoot</c> or ASPNETCORE_CONTENTROOT / DOTNET_CONTENTROOT still choose another folder.
    /// </summary>
    public static WebApplicationOptions Create(string[] args)
    {
        var given = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[WebHostDefaults.ContentRootKey];
        return new WebApplicationOptions { Args = args, ContentRootPath = string.IsNullOrEmpty(given) ? AppContext.BaseDirectory : null };
    }
}
