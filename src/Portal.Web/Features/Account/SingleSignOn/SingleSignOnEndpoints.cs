using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Account.SingleSignOn;

public static class SingleSignOnEndpoints
{
    public const string SignInPath = "/login/sso";

    /// <summary>The sign-in page's single sign-on button: off to the provider, back to <c>ReturnUrl</c> (on this site) afterwards.</summary>
    public static IEndpointRouteBuilder MapSingleSignOnEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SignInPath, Results<ChallengeHttpResult, NotFound> (string? returnUrl, IOptions<OidcOptions> options) =>
                options.Value.Enabled
                    ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = LocalUrl.OrHome(returnUrl) }, [OidcOptions.Scheme])
                    : TypedResults.NotFound())
            .AllowAnonymous()
            .ExcludeFromDescription();
        return endpoints;
    }
}
