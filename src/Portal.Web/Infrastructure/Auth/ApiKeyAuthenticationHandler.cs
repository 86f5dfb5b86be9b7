using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// Authenticates machine clients by the <c>X-Api-Key</c> header. A client address that sent too many invalid keys
/// is answered 429 for further invalid ones until the window ends; its valid keys keep working.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IEnumerable<IApiKeyValidator> validators,
    ApiKeyFailureLimiter failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    private bool rateLimited;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }

        foreach (var validator in validators)
        {
            var identity = await validator.ValidateAsync(values.ToString(), Context.RequestAborted);
            if (identity is not null)
            {
                return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
            }
        }

        var client = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!failures.TryRecordFailure(client))
        {
            rateLimited = true;
            return AuthenticateResult.Fail("Too many failed API key attempts from this address.");
        }

        return AuthenticateResult.Fail("The API key is not valid.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (rateLimited)
        {
            Response.Headers.RetryAfter = ((int)failures.Window.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return AuthProblems.WriteAsync(Context, StatusCodes.Status429TooManyRequests, "Too many failed API key attempts",
                $"This address sent too many invalid API keys; retry after {(int)failures.Window.TotalSeconds} seconds.");
        }

        return AuthProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized", AuthProblems.SignInDetail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "This API key is not allowed to do that.");
}
