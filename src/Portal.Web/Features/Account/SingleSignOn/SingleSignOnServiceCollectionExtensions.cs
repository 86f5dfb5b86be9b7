using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Account.SingleSignOn;

public static class SingleSignOnServiceCollectionExtensions
{
    /// <summary>
    /// OpenID Connect sign-in (authorization code flow with PKCE) when <c>Portal:Auth:Oidc:Authority</c> is set, and
    /// the switch for local (password) accounts. Refuses to start with settings nobody could sign in with.
    /// </summary>
    public static IServiceCollection AddSingleSignOn(this IServiceCollection services, IConfiguration configuration)
    {
        var oidc = configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new();
        var local = configuration.GetSection(LocalAccountsOptions.Section).Get<LocalAccountsOptions>() ?? new();
        if (oidc.Problem(local.Enabled) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        services.Configure<OidcOptions>(configuration.GetSection(OidcOptions.Section));
        services.Configure<LocalAccountsOptions>(configuration.GetSection(LocalAccountsOptions.Section));
        services.AddScoped<SingleSignOnSignIn>();
        if (oidc.Enabled)
        {
            services.AddAuthentication().AddOpenIdConnect(OidcOptions.Scheme, oidc.DisplayName, o => Configure(o, oidc));
            services.Configure<ContentSecurityPolicyOptions>(o => o.FormActionOrigins.Add(new Uri(oidc.Authority!).GetLeftPart(UriPartial.Authority)));
        }

        return services;
    }

    private static void Configure(OpenIdConnectOptions o, OidcOptions oidc)
    {
        o.Authority = oidc.Authority;
        o.ClientId = oidc.ClientId;
        o.ClientSecret = string.IsNullOrEmpty(oidc.ClientSecret) ? null : oidc.ClientSecret;
        o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        // The code comes back on a top-level GET (not a cross-site form post), so the correlation and nonce cookies
        // can be SameSite=Lax and need not be Secure on a plain-HTTP test set-up.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = oidc.RequireHttpsMetadata ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        }

        o.Scope.Clear();
        foreach (var scope in oidc.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            o.Scope.Add(scope);
        }

        o.MapInboundClaims = false; // keep "sub", "email", "groups" as the provider names them
        o.SaveTokens = true;
        o.SignInScheme = IdentityConstants.ExternalScheme; // never written: the ticket is handled below
        o.SignOutScheme = IdentityConstants.ApplicationScheme;
        o.Events.OnTicketReceived = context => context.HttpContext.RequestServices.GetRequiredService<SingleSignOnSignIn>().CompleteAsync(context);
        o.Events.OnRemoteFailure = context =>
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SingleSignOnSignIn))
                .LogWarning(context.Failure, "Single sign-on failed: {Message}", context.Failure?.Message);
            context.Response.Redirect(SingleSignOnSignIn.Refused(SingleSignOnSignIn.Refusal.Failed));
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    /// <summary>The provider's end_session_endpoint, or null when it has none or single sign-on is off.</summary>
    public static async Task<string?> EndSessionEndpointAsync(this HttpContext context)
    {
        if (!context.RequestServices.GetRequiredService<IOptions<OidcOptions>>().Value.Enabled)
        {
            return null;
        }

        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OidcOptions.Scheme);
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(context.RequestAborted);
        return string.IsNullOrEmpty(configuration.EndSessionEndpoint) ? null : configuration.EndSessionEndpoint;
    }
}
