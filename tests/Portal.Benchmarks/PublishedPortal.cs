namespace Portal.Benchmarks;

/// <summary>The portal as deployed: <c>dotnet publish</c> of the Release build (static assets as a browser gets them).</summary>
internal static class PublishedPortal
{
    /// <summary>Publishes the built Portal.Web into <paramref name="folder"/>; returns the path of its Portal.Web.dll.</summary>
    public static async Task<string> PublishAsync(string folder)
    {
        await ExternalProcess.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            ["publish", Path.Combine(RepositoryRoot(), "src", "Portal.Web", "Portal.Web.csproj"), "-c", "Release", "--no-build", "-o", folder, "-nologo"],
            TimeSpan.FromMinutes(10));
        return Path.Combine(folder, "Portal.Web.dll");
    }

    /// <summary>The folder holding Portal.sln, above this program.</summary>
    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Portal.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException($"Portal.sln not found above {AppContext.BaseDirectory}.");
    }
}
