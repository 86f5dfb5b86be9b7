using System.Security.Cryptography;
using System.Text;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>API keys are kept only as SHA-256 hashes and compared in constant time.</summary>
public static class ApiKeyHash
{
    public static byte[] Of(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool Matches(string presentedKey, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Of(presentedKey), storedHash);
}
