using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// The one-time token of the first-start setup link. It exists only while the portal has no users, and stops working
/// once the first admin is created. It lives in this process's memory and, on a cluster with Redis, also as a hash in
/// <see cref="ISharedSetupTokens"/>, so the link printed by one node works on whichever node the load balancer picks.
/// </summary>
public sealed class SetupToken(ISharedSetupTokens? shared = null)
{
    private volatile string? token;

    public bool IsActive => token is not null;

    public string Issue()
    {
        var issued = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        token = issued;
        shared?.Add(Hash(issued));
        return issued;
    }

    public bool Matches(string? presented) =>
        presented is not null &&
        ((token is { } expected && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented))) ||
         shared?.Contains(Hash(presented)) == true);

    public void Invalidate()
    {
        token = null;
        shared?.Clear();
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// <summary>Setup tokens issued by any node, as SHA-256 hashes (never the tokens themselves).</summary>
public interface ISharedSetupTokens
{
    void Add(string hash);

    bool Contains(string hash);

    void Clear();
}
