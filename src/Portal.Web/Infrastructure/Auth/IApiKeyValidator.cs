using System.Security.Claims;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>Turns a presented API key into an identity, or null when the key is unknown or revoked.</summary>
public interface IApiKeyValidator
{
    ValueTask<ClaimsIdentity?> ValidateAsync(string presentedKey, CancellationToken cancellationToken);
}
