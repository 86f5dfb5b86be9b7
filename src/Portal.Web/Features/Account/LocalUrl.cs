namespace Portal.Web.Features.Account;

public static class LocalUrl
{
    /// <summary>The return URL when it stays on this site (a path like <c>/models/x</c>), otherwise <c>/</c>: no open redirects.</summary>
    public static string OrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
