using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Account.SingleSignOn;

/// <summary>
/// Configuration section <c>Portal:Auth:Oidc</c>: OpenID Connect sign-in. Off unless <see cref="Authority"/> is set.
/// </summary>
public sealed class OidcOptions
{
    public const string Section = "Portal:Auth:Oidc";

    /// <summary>The authentication scheme of the OpenID Connect handler.</summary>
    public const string Scheme = "oidc";

    /// <summary>The provider's issuer URL; its discovery document is <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Empty for a public client (PKCE alone).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes to ask for.</summary>
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>The claim of the ID token whose values <see cref="RoleMap"/> maps to portal roles (e.g. <c>groups</c> or <c>roles</c>).</summary>
    public string RoleClaim { get; set; } = "groups";

    /// <summary>Claim value → portal role (e.g. <c>ml-admins</c> → <c>Admin</c>). A user gets the highest role of their values.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The provider's name on the sign-in button ("Sign in with …").</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>Only for a test provider on plain HTTP: false allows an http:// authority.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>The portal role of the highest-ranked claim value in <see cref="RoleMap"/>, or null when none is mapped.</summary>
    public string? RoleFor(IEnumerable<string> claimValues) =>
        PortalRoles.Highest(claimValues.Select(value => RoleMap.GetValueOrDefault(value)).OfType<string>());

    /// <summary>Why the settings cannot work, or null when they can (checked at start-up).</summary>
    public string? Problem(bool localAccounts)
    {
        if (!Enabled)
        {
            return localAccounts ? null : $"{LocalAccountsOptions.Section}:Enabled is false but {Section}:Authority is not set: nobody could sign in.";
        }

        if (!Uri.TryCreate(Authority, UriKind.Absolute, out _))
        {
            return $"{Section}:Authority must be an absolute URL (the provider's issuer), not '{Authority}'.";
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            return $"{Section}:ClientId is required when {Section}:Authority is set.";
        }

        if (RoleMap.Count == 0)
        {
            return $"{Section}:RoleMap maps no {RoleClaim} value to a portal role: nobody could sign in.";
        }

        return RoleMap.FirstOrDefault(pair => !PortalRoles.IsRole(pair.Value)) is { Key: not null } bad
            ? $"{Section}:RoleMap:{bad.Key} is '{bad.Value}'; use one of {string.Join(", ", PortalRoles.All)}."
            : null;
    }
}

/// <summary>Configuration section <c>Portal:Auth:LocalAccounts</c>: e-mail and password sign-in.</summary>
public sealed class LocalAccountsOptions
{
    public const string Section = "Portal:Auth:LocalAccounts";

    /// <summary>False: no password form, no password sign-in, no setup link; people sign in with single sign-on only.</summary>
    public bool Enabled { get; set; } = true;
}
