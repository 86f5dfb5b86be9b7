using System.Diagnostics;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Published;

[CollectionDefinition(Name)]
public sealed class PublishedPortalCollection : ICollectionFixture<PublishedPortalFixture>
{
    public const string Name = "Published portal";
}

/// <summary>
/// The portal as it is deployed: <c>dotnet publish</c> of this build into a temporary folder (once per test run),
/// started in Production from the working directory "/", the way a service manager starts it.
/// </summary>
public sealed class PublishedPortalFixture : PortalServerFixture
{
    private readonly string publishFolder = Path.Combine(Path.GetTempPath(), $"portal-published-{Guid.NewGuid():N}");

    public string PublishFolder => publishFolder;

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            Directory.Delete(publishFolder, recursive: true);
        }
    }

    protected override string LogName => "published-server";

    // --no-build: the test build has built Portal.Web in this configuration already; publishing only lays it out.
    protected override async Task<string> PortalDllAsync()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "publish", Path.Combine("src", "Portal.Web", "Portal.Web.csproj"), "-c", Configuration, "--no-build", "-o", publishFolder, "-nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(start)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}):\n{await output}\n{await errors}");
        }

        return Path.Combine(publishFolder, "Portal.Web.dll");
    }

    protected override void Configure(ProcessStartInfo start)
    {
        start.WorkingDirectory = "/";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Production may require a key-encryption key for Data Protection; this test is about the content root.
        start.Environment["Portal__DataProtection__AllowUnprotectedKeys"] = "true";
    }
}
