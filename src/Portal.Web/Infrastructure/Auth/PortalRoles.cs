using Portal.Data.Identity;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>Roles, from least to most privileged: Viewer &lt; Engineer &lt; ProductOwner &lt; Admin. A user has one role.</summary>
public static class PortalRoles
{
    public const string Viewer = "Viewer";
    public const string Engineer = "Engineer";
    public const string ProductOwner = "ProductOwner";
    public const string Admin = "Admin";

    /// <summary>Every role, least privileged first.</summary>
    public static readonly IReadOnlyList<string> All = [Viewer, Engineer, ProductOwner, Admin];

    public static bool IsRole(string? role) => role is not null && All.Contains(role);

    /// <summary>0 for Viewer up to 3 for Admin; -1 for anything that is not a portal role.</summary>
    public static int Rank(string role) => All.ToList().IndexOf(role);

    /// <summary>The given role and every role above it: a user with any of them satisfies <paramref name="role"/>.</summary>
    public static string[] AtLeast(string role)
    {
        var rank = Rank(role);
        if (rank < 0)
        {
            throw new ArgumentException($"'{role}' is not a portal role.", nameof(role));
        }

        return All.Skip(rank).ToArray();
    }

    /// <summary>The most privileged of <paramref name="roles"/>, or null when none is a portal role.</summary>
    public static string? Highest(IEnumerable<string> roles) => roles.Where(IsRole).MaxBy(Rank);
}

public static class PortalClaims
{
    /// <summary>An API key's kind of scope: <see cref="AdminKey"/> or <see cref="ModelKey"/>. People have no such claim.</summary>
    public const string KeyKind = "portal:key-kind";

    /// <summary>The model a <see cref="ModelKey"/> is limited to.</summary>
    public const string KeyModel = "portal:key-model";

    public const string AdminKey = "admin";
    public const string ModelKey = "model";

    /// <summary>What an API request or form says for "an admin key" (a model cannot be named so).</summary>
    public const string AdminScope = ApiKey.AdminScope;

    /// <summary>A person's display name (users only).</summary>
    public const string DisplayName = "portal:display-name";
}
