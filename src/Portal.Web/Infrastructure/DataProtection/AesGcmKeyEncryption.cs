using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Portal.Web.Infrastructure.DataProtection;

/// <summary>The key-encryption key of <c>Portal:DataProtection:KeyEncryptionKey</c>, and a short id that names it in errors.</summary>
public sealed class KeyEncryptionKey
{
    public KeyEncryptionKey(string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            bytes = [];
        }

        if (bytes.Length != 32)
        {
            throw new InvalidOperationException(
                $"{KeyRingOptions.Section}:KeyEncryptionKey must be the base64 of 32 random bytes (e.g. `openssl rand -base64 32`); it is not.");
        }

        Bytes = bytes;
        Id = Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];
    }

    public byte[] Bytes { get; }

    /// <summary>The first 12 hex digits of the key's SHA-256: says which key encrypted a stored key, never the key itself.</summary>
    public string Id { get; }
}

/// <summary>Encrypts each Data Protection key with AES-256-GCM under the <see cref="KeyEncryptionKey"/> before it is stored.</summary>
public sealed class AesGcmXmlEncryptor(KeyEncryptionKey kek) : IXmlEncryptor
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(kek.Bytes, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        var element = new XElement("aesGcmEncryptedKey",
            new XComment(" Encrypted with AES-256-GCM under the key-encryption key of Portal:DataProtection:KeyEncryptionKey. "),
            new XAttribute("kek", kek.Id),
            Convert.ToBase64String(sealedBytes));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }

    /// <summary>Opens what <see cref="Encrypt"/> sealed; a wrong key-encryption key is named as such.</summary>
    public static XElement Decrypt(KeyEncryptionKey kek, XElement encryptedElement)
    {
        var storedId = (string?)encryptedElement.Attribute("kek");
        var sealedBytes = Convert.FromBase64String(encryptedElement.Value);
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(kek.Bytes, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plaintext);
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException(
                $"A Data Protection key was encrypted with key-encryption key {storedId}, but {KeyRingOptions.Section}:KeyEncryptionKey is "
                + $"{kek.Id}: set the key-encryption key the key ring was written with.", e);
        }

        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}

/// <summary>Created by Data Protection (through its IServiceProvider constructor) for keys that <see cref="AesGcmXmlEncryptor"/> sealed.</summary>
public sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var kek = services.GetService<KeyEncryptionKey>() ?? throw new CryptographicException(
            $"The key ring is encrypted with a key-encryption key ({(string?)encryptedElement.Attribute("kek")}), but {KeyRingOptions.Section}:KeyEncryptionKey is not set.");
        return AesGcmXmlEncryptor.Decrypt(kek, encryptedElement);
    }
}
