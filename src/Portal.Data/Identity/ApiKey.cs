namespace Portal.Data.Identity;

/// <summary>
/// An API key for a machine client. The key itself is shown once at creation; only its SHA-256 hash is kept.
/// <see cref="Prefix"/> (the first characters after <c>pk_</c>) identifies the key in lists and finds it on use.
/// </summary>
public sealed class ApiKey
{
    public const int PrefixLength = 8;
    public const string AdminScope = "admin";

    public int Id { get; set; }

    public required string Name { get; set; }

    public required string Prefix { get; set; }

    public required byte[] Hash { get; set; }

    /// <summary>What the key may do: everything (<see cref="ApiKeyScopeKind.Admin"/>) or one model's data.</summary>
    public ApiKeyScopeKind ScopeKind { get; set; }

    /// <summary>
    /// The model a <see cref="ApiKeyScopeKind.Model"/> key is limited to; <see cref="AdminScope"/> for an admin key (shown
    /// in lists only: whether a key is an admin key is decided by <see cref="ScopeKind"/>, never by this text).
    /// </summary>
    public required string Scope { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>
/// Kept apart from the model name so that no model name (not even one called "admin") can make a key an admin key.
/// Stored as text.
/// </summary>
public enum ApiKeyScopeKind
{
    Model = 0,
    Admin = 1,
}
