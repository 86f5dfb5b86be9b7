using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Identity;

/// <summary>The Data Protection key ring at rest, and the SQLite file's permissions.</summary>
public sealed class KeyRingTests
{
    private const string Kek = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    private const string OtherKek = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
    private const string KekSetting = "Portal:DataProtection:KeyEncryptionKey";

    [Fact]
    public async Task Keys_are_stored_encrypted_with_a_key_encryption_key_and_in_plain_xml_without_one()
    {
        using var protectedRing = new PortalFactory { Settings = { [KekSetting] = Kek } };
        using var plainRing = new PortalFactory();

        var encrypted = await StoredKeysAfterUseAsync(protectedRing);
        var plain = await StoredKeysAfterUseAsync(plainRing);

        Assert.NotEmpty(encrypted);
        Assert.All(encrypted, xml => Assert.DoesNotContain("<masterKey", xml));
        Assert.All(encrypted, xml => Assert.Contains("aesGcmEncryptedKey", xml));
        Assert.Contains(plain, xml => xml.Contains("<masterKey", StringComparison.Ordinal)); // what the check above would see unprotected
    }

    [Fact]
    public async Task A_wrong_key_encryption_key_stops_start_up_and_says_so()
    {
        var database = await TestDatabase.CreateAsync();
        Exception error;
        try
        {
            using var first = new PortalFactory { ConnectionString = database, Settings = { [KekSetting] = Kek } };
            await StoredKeysAfterUseAsync(first);
            using var second = new PortalFactory { ConnectionString = database, Settings = { [KekSetting] = OtherKek } };

            error = Assert.ThrowsAny<Exception>(() => second.Services);
        }
        finally
        {
            await TestDatabase.DeleteAsync(database);
        }

        var messages = Messages(error);
        Assert.Contains("cannot be decrypted", messages);
        Assert.Contains("KeyEncryptionKey", messages);
    }

    [Fact]
    public void A_key_encryption_key_that_is_not_32_bytes_of_base64_is_refused()
    {
        using var factory = new PortalFactory { Settings = { [KekSetting] = "c2hvcnQ=" } };

        var error = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("base64 of 32 random bytes", Messages(error));
    }

    [Fact]
    public void Production_refuses_to_start_with_an_unencrypted_key_ring_unless_allowed()
    {
        using var refused = new PortalFactory { EnvironmentName = "Production" };
        using var allowed = new PortalFactory { EnvironmentName = "Production", Settings = { ["Portal:DataProtection:AllowUnprotectedKeys"] = "true" } };
        using var withKek = new PortalFactory { EnvironmentName = "Production", Settings = { [KekSetting] = Kek } };

        var error = Assert.ThrowsAny<Exception>(() => refused.Services);

        Assert.Contains("KeyEncryptionKey", Messages(error));
        Assert.NotNull(allowed.Services.GetRequiredService<IDataProtectionProvider>());
        Assert.NotNull(withKek.Services.GetRequiredService<IDataProtectionProvider>());
    }

    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_sqlite_file_and_its_wal_and_shm_are_readable_by_the_owner_only()
    {
        using var factory = new PortalFactory();
        await StoredKeysAfterUseAsync(factory);

        foreach (var file in new[] { factory.DatabaseFile, factory.DatabaseFile + "-wal", factory.DatabaseFile + "-shm" })
        {
            Assert.True(File.Exists(file), file);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    /// <summary>Protects and unprotects a value (creating a key if none exists) and answers the stored key XML.</summary>
    private static async Task<List<string>> StoredKeysAfterUseAsync(PortalFactory factory)
    {
        var protector = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("secret", protector.Unprotect(protector.Protect("secret")));
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
    }

    private static string Messages(Exception error)
    {
        var all = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            all.Add(e.Message);
        }

        return string.Join(" | ", all);
    }
}
