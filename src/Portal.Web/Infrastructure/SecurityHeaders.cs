using Microsoft.Extensions.Options;

namespace Portal.Web.Infrastructure;

public static class SecurityHeaders
{
    /// <summary>
    /// Scripts only from the portal's own files: no inline script, no event-handler attribute, no eval, no other
    /// origin, so even markup that slipped past <see cref="SafeMarkdown"/> cannot run. 'self' in connect-src covers the
    /// Blazor and SignalR WebSockets (ws:/wss: to the same host, CSP Level 3). Styles keep 'unsafe-inline': MudBlazor
    /// sets style attributes on its components and Plotly writes &lt;style&gt; elements and inline SVG styles at run
    /// time; a style cannot run script. Images may come from https: because runbooks link pictures.
    /// </summary>
    public static readonly string ContentSecurityPolicy = PagePolicy();

    /// <summary>
    /// The API reference page (/api/docs) only: Scalar's page starts itself with one inline module script and its bundle
    /// compiles JSON-schema validators with eval. The page shows nothing users wrote (only the portal's own OpenAPI
    /// document), so inline script and eval are allowed there and nowhere else.
    /// </summary>
    public static readonly string ApiReferencePolicy = Policy(scripts: "'self' 'unsafe-inline' 'unsafe-eval'", images: "'self' data: blob:");

    private static string PagePolicy(string forms = "'self'") => Policy(scripts: "'self'", images: "'self' data: blob: https:", forms);

    private static string Policy(string scripts, string images, string forms = "'self'") =>
        "default-src 'self'; " +
        $"script-src {scripts}; " +
        "style-src 'self' 'unsafe-inline'; " +
        $"img-src {images}; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        $"form-action {forms}; " +
        "frame-ancestors 'none'";

    /// <summary>Content-Security-Policy, nosniff and a referrer policy on every response, error pages included.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var formOrigins = app.ApplicationServices.GetRequiredService<IOptions<ContentSecurityPolicyOptions>>().Value.FormActionOrigins;
        var policy = formOrigins.Count == 0
            ? ContentSecurityPolicy
            : PagePolicy(forms: string.Join(' ', ["'self'", .. formOrigins]));
        return app.Use((context, next) =>
        {
            // OnStarting: the exception handler clears headers before it writes its error response.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(OpenApi.OpenApiSetup.ReferencePath)
                    ? ApiReferencePolicy
                    : policy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}

/// <summary>
/// Origins besides the portal's own that a form may lead to. Browsers check form-action along every redirect after a
/// form post, and the sign-out form of single sign-on ends at the provider's end_session_endpoint.
/// </summary>
public sealed class ContentSecurityPolicyOptions
{
    public List<string> FormActionOrigins { get; } = [];
}
