using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Web.Infrastructure.DataProtection;

public static class DataProtectionServiceCollectionExtensions
{
    /// <summary>
    /// ASP.NET Core Data Protection with its key ring in the portal database (table DataProtectionKeys): keys survive
    /// restarts and are shared by every node, so sign-in cookies, antiforgery tokens and encrypted channel secrets made
    /// on one node are readable on the others and after a restart. The keys are encrypted at rest with the
    /// key-encryption key or certificate of <see cref="KeyRingOptions"/> (they would otherwise sit in plain XML next to
    /// the secrets they protect); in Production the portal refuses to start without one unless explicitly allowed.
    /// </summary>
    public static IServiceCollection AddPortalDataProtection(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(KeyRingOptions.Section);
        services.Configure<KeyRingOptions>(section);
        var options = section.Get<KeyRingOptions>() ?? new KeyRingOptions();
        var dataProtection = services.AddDataProtection()
            .SetApplicationName("Portal")
            .PersistKeysToDbContext<PortalDbContext>();

        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            dataProtection.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword));
        }

        if (!string.IsNullOrWhiteSpace(options.KeyEncryptionKey))
        {
            // Registered last, so it encrypts new keys when a certificate is configured too (which still decrypts its own).
            var kek = new KeyEncryptionKey(options.KeyEncryptionKey);
            services.AddSingleton(kek);
            services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new AesGcmXmlEncryptor(kek));
        }

        if (!options.IsProtected && environment.IsProduction() && !options.AllowUnprotectedKeys)
        {
            throw new InvalidOperationException(
                $"The Data Protection key ring (it signs sign-in cookies and decrypts channel secrets) would be stored unencrypted. Set "
                + $"{KeyRingOptions.Section}:KeyEncryptionKey (environment Portal__DataProtection__KeyEncryptionKey; `openssl rand -base64 32`) "
                + $"or {KeyRingOptions.Section}:CertificatePath, or set {KeyRingOptions.Section}:AllowUnprotectedKeys=true to accept the risk. See docs/security.md.");
        }

        return services;
    }

    /// <summary>
    /// At start-up: warns when the key ring is unencrypted, and refuses to go on when a stored key cannot be decrypted
    /// (a wrong key-encryption key would otherwise make the portal quietly create a new key and lose every sign-in and
    /// channel secret).
    /// </summary>
    public static void CheckKeyRing(this IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.DataProtection");
        if (!services.GetRequiredService<IOptions<KeyRingOptions>>().Value.IsProtected)
        {
            logger.LogWarning(
                "The Data Protection key ring is stored UNENCRYPTED in the portal database, next to the channel secrets it protects. "
                + "Set Portal:DataProtection:KeyEncryptionKey (`openssl rand -base64 32`) outside development; see docs/security.md.");
        }

        foreach (var key in services.GetRequiredService<IKeyManager>().GetAllKeys().Where(k => !k.IsRevoked))
        {
            try
            {
                _ = key.Descriptor;
            }
            catch (Exception e)
            {
                var reason = e;
                while (reason.InnerException is not null && reason is not System.Security.Cryptography.CryptographicException)
                {
                    reason = reason.InnerException;
                }

                throw new InvalidOperationException($"Data Protection key {key.KeyId} cannot be decrypted: {reason.Message}", e);
            }
        }
    }
}
