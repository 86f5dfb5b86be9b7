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

    /// <summary><see cref="AdminScope"/> or the name of the one model the key may write to.</summary>
    public required string Scope { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public bool IsRevoked => RevokedAt is not null;
}
