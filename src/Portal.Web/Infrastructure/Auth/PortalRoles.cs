namespace Portal.Web.Infrastructure.Auth;

/// <summary>Roles, from least to most privileged: Viewer &lt; Engineer &lt; ProductOwner &lt; Admin.</summary>
public static class PortalRoles
{
    public const string Viewer = "Viewer";
    public const string Engineer = "Engineer";
    public const string ProductOwner = "ProductOwner";
    public const string Admin = "Admin";
}

public static class PortalClaims
{
    /// <summary>"admin" or the model name an API key is scoped to.</summary>
    public const string KeyScope = "portal:key-scope";
    public const string AdminScope = "admin";
}
