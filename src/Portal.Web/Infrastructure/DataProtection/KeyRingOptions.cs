namespace Portal.Web.Infrastructure.DataProtection;

/// <summary>Configuration section <c>Portal:DataProtection</c>: how the key ring is protected at rest.</summary>
public sealed class KeyRingOptions
{
    public const string Section = "Portal:DataProtection";

    /// <summary>Base64 of 32 random bytes (<c>openssl rand -base64 32</c>); every node of a cluster needs the same one.</summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>A PKCS#12 (.pfx) file whose certificate encrypts the keys (ASP.NET Core's own ProtectKeysWithCertificate).</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Start in Production with the key ring unencrypted (not recommended).</summary>
    public bool AllowUnprotectedKeys { get; set; }

    public bool IsProtected => !string.IsNullOrWhiteSpace(KeyEncryptionKey) || !string.IsNullOrWhiteSpace(CertificatePath);
}
