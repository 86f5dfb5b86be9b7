using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data.Identity;
using Portal.Web.Features.Admin.Users;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Account.SingleSignOn;

/// <summary>
/// What happens when the provider sends a person back with a valid ID token: their <see cref="OidcOptions.RoleClaim"/>
/// values give their portal role (none: refused, no session); the portal user linked to the token's issuer and subject
/// is created on the first sign-in and gets that role at every sign-in; then the portal's own cookie is issued.
/// </summary>
public sealed class SingleSignOnSignIn(
    IOptions<OidcOptions> options,
    UserManager<PortalUser> users,
    SignInManager<PortalUser> signIn,
    UserAdminService userAdmin,
    ILogger<SingleSignOnSignIn> logger)
{
    /// <summary>The page that explains a refusal; <c>reason</c> is one of <see cref="Refusal"/>.</summary>
    public const string RefusedPath = "/login/refused";

    public static class Refusal
    {
        public const string NoRole = "no-role";
        public const string NoEmail = "no-email";
        public const string EmailInUse = "email-in-use";
        public const string Locked = "locked";
        public const string Failed = "failed";
    }

    /// <summary>Handles the callback: signs the person in and sends them on, or sends them to the refusal page.</summary>
    public async Task CompleteAsync(TicketReceivedContext context)
    {
        context.HandleResponse(); // the provider's identity is not kept: only the portal cookie below
        var target = await SignInAsync(context.Principal!, context.Properties?.GetTokenValue(OpenIdConnectParameterNames.IdToken));
        context.Response.Redirect(target ?? LocalUrl.OrHome(context.ReturnUri));
    }

    /// <summary>Null when signed in; otherwise where to send the person.</summary>
    private async Task<string?> SignInAsync(ClaimsPrincipal external, string? idToken)
    {
        var oidc = options.Value;
        var issuer = external.FindFirstValue("iss") ?? oidc.Authority!;
        var subject = external.FindFirstValue("sub")!;
        var email = external.FindFirstValue("email");
        var values = external.FindAll(oidc.RoleClaim).Select(c => c.Value).ToList();
        var role = oidc.RoleFor(values);
        if (role is null)
        {
            logger.LogWarning("Single sign-on refused for {Email} ({Issuer} {Subject}): no {Claim} value maps to a portal role (has {Values})",
                email, issuer, subject, oidc.RoleClaim, values.Count == 0 ? "none" : string.Join(", ", values));
            return Refused(Refusal.NoRole);
        }

        var user = await users.FindByLoginAsync(issuer, subject);
        if (user is null)
        {
            if (string.IsNullOrWhiteSpace(email))
            {
                logger.LogWarning("Single sign-on refused for {Issuer} {Subject}: the ID token has no e-mail", issuer, subject);
                return Refused(Refusal.NoEmail);
            }

            if (await users.FindByEmailAsync(email) is not null)
            {
                // Never link by e-mail alone: whoever controls a provider account could otherwise take over a local one.
                logger.LogWarning("Single sign-on refused for {Email} ({Issuer} {Subject}): a portal account with that e-mail exists and is not linked to this sign-in",
                    email, issuer, subject);
                return Refused(Refusal.EmailInUse);
            }

            var created = await userAdmin.CreateExternalAsync(email, external.FindFirstValue("name"), role, new UserLoginInfo(issuer, subject, oidc.DisplayName));
            logger.LogInformation("Single sign-on created {Email} as {Role} ({Issuer} {Subject})", created.Email, role, issuer, subject);
            user = (await users.FindByIdAsync(created.Id))!;
        }
        else
        {
            await userAdmin.SetRoleFromProviderAsync(user.Id, role);
            user = (await users.FindByIdAsync(user.Id))!;
        }

        if (await users.IsLockedOutAsync(user))
        {
            logger.LogWarning("Single sign-on refused: {Email} is locked", user.Email);
            return Refused(Refusal.Locked);
        }

        // The ID token rides in the cookie's properties: sign-out hands it to the provider's end_session_endpoint.
        var properties = new AuthenticationProperties();
        if (idToken is not null)
        {
            properties.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
        }

        await signIn.SignInAsync(user, properties, OidcOptions.Scheme);
        logger.LogInformation("{Email} signed in with single sign-on as {Role}", user.Email, role);
        return null;
    }

    public static string Refused(string reason) => $"{RefusedPath}?reason={reason}";
}
