using System.Security.Cryptography;

namespace Portal.Web.Infrastructure.Auth;

public static class Passwords
{
    private const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>A random one-time password (20 characters, about 117 bits), shown to a person once.</summary>
    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, 20);
}
