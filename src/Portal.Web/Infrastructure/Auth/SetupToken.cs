using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// The one-time token of the first-start setup link. It exists only in this process's memory, only while the
/// portal has no users, and stops working once the first admin is created.
/// </summary>
public sealed class SetupToken
{
    private volatile string? token;

    public bool IsActive => token is not null;

    public string Issue()
    {
        var issued = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        token = issued;
        return issued;
    }

    public bool Matches(string? presented) =>
        token is { } expected && presented is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));

    public void Invalidate() => token = null;
}
