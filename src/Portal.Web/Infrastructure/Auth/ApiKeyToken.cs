using System.Buffers.Text;
using System.Security.Cryptography;
using Portal.Data.Identity;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>Portal API keys look like <c>pk_&lt;8-character prefix&gt;_&lt;43-character secret&gt;</c>.</summary>
public static class ApiKeyToken
{
    private const string Marker = "pk_";
    private const string PrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static (string Key, string Prefix) Generate()
    {
        var prefix = RandomNumberGenerator.GetString(PrefixAlphabet, ApiKey.PrefixLength);
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return ($"{Marker}{prefix}_{secret}", prefix);
    }

    public static bool TryGetPrefix(string key, out string prefix)
    {
        prefix = "";
        var end = Marker.Length + ApiKey.PrefixLength;
        if (key.Length <= end + 1 || !key.StartsWith(Marker, StringComparison.Ordinal) || key[end] != '_')
        {
            return false;
        }

        prefix = key[Marker.Length..end];
        return true;
    }

    /// <summary>How a key is shown after creation: its prefix, never its secret.</summary>
    public static string Display(string prefix) => $"{Marker}{prefix}_…";
}
