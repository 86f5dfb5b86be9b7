using System.Security.Claims;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// The admin-scoped key of <c>Portal:Bootstrap:ApiKey</c>, for automation. Only its hash is kept in memory.
/// </summary>
public sealed class BootstrapApiKeyValidator(IConfiguration configuration) : IApiKeyValidator
{
    private readonly byte[]? hash = configuration["Portal:Bootstrap:ApiKey"] is { Length: > 0 } key ? ApiKeyHash.Of(key) : null;

    public ValueTask<ClaimsIdentity?> ValidateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (hash is null || !ApiKeyHash.Matches(presentedKey, hash))
        {
            return ValueTask.FromResult<ClaimsIdentity?>(null);
        }

        return ValueTask.FromResult<ClaimsIdentity?>(ApiKeyIdentity.Admin("api-key:bootstrap"));
    }
}
