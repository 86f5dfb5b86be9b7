namespace Portal.Web.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from (docs, docker), found from the test's own folder.</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding Portal.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Portal.sln not found above the test's folder.");
    }
}
