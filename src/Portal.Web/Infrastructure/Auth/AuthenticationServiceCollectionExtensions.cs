using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Portal.Data;
using Portal.Data.Identity;

namespace Portal.Web.Infrastructure.Auth;

public static class AuthenticationServiceCollectionExtensions
{
    private const string Selector = "Portal";

    /// <summary>
    /// People: ASP.NET Core Identity on the portal database, signed in with a cookie (lockout after 5 failures) that is
    /// re-validated against the user's security stamp every minute, so locking a user or changing their role ends the session.
    /// Machines: the <c>X-Api-Key</c> header. The API answers 401/403 problem+json, never a redirect.
    /// Authorization: the hierarchical <see cref="Policies"/>; anything without its own policy needs a Viewer.
    /// </summary>
    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.AddMemoryCache();
        services.AddHttpContextAccessor();
        services.AddSingleton<ApiKeyFailureLimiter>();
        services.AddSingleton<ApiKeyUsage>();
        services.AddSingleton<SetupToken>();
        services.AddSingleton<IApiKeyValidator, BootstrapApiKeyValidator>();
        services.AddScoped<IApiKeyValidator, DatabaseApiKeyValidator>();
        services.AddScoped<CurrentUser>();

        services.AddIdentityCore<PortalUser>(ConfigureIdentity)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, Selector, o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(ConfigureCookie);

        services.AddAuthorization(Policies.Configure);
        services.AddSingleton<IAuthorizationHandler, ModelScopeHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, PageAuthorizationResultHandler>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        return services;
    }

    private static void ConfigureIdentity(IdentityOptions o)
    {
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = 12;
        o.Password.RequireDigit = false;
        o.Password.RequireLowercase = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireNonAlphanumeric = false;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
    }

    private static void ConfigureCookie(CookieAuthenticationOptions o)
    {
        o.LoginPath = "/login";
        o.Cookie.Name = "Portal.Auth";
        o.Cookie.HttpOnly = true;
        // Lax, not Strict: links from alerts (Slack, e-mail) must open the portal signed in. Forms carry antiforgery tokens.
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.ExpireTimeSpan = TimeSpan.FromHours(8);
        o.SlidingExpiration = true;
        o.Events.OnRedirectToLogin = context => IsApi(context.Request)
            ? AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", AuthProblems.SignInDetail)
            : RedirectAsync(context);
        o.Events.OnRedirectToAccessDenied = context => IsApi(context.Request)
            ? AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "Your role is not allowed to do that.")
            : ForbidAsync(context);
    }

    private static Task RedirectAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static Task ForbidAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    /// <summary>REST endpoints and SignalR hubs answer 401/403 instead of redirecting to the sign-in page.</summary>
    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs");
}
