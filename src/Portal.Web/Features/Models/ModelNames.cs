using System.Text.RegularExpressions;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Models;

/// <summary>
/// What a model may be called: 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit, and not
/// "admin", which names the admin scope of API keys (and would make <c>/api/v1/models/admin</c> read like an admin URL).
/// </summary>
public static partial class ModelNames
{
    public const string Rule = "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit; not \"admin\"";

    public static bool IsValid(string name) =>
        ValidName().IsMatch(name) && !string.Equals(name, PortalClaims.AdminScope, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\z")] // \z: $ would also match before a final newline
    private static partial Regex ValidName();
}
