using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Net.Http.Headers;

namespace Portal.Web.Infrastructure.Auth;

/// <summary>
/// Cross-site request forgery defence for the REST API. A write (POST, PUT, PATCH, DELETE) under <c>/api</c> by a
/// signed-in person (cookie) needs a valid antiforgery token (header <c>RequestVerificationToken</c> or form field),
/// or a request that no plain form or simple cross-site fetch can make — a PUT, PATCH or DELETE, or a POST with a
/// content type other than form or text (e.g. <c>application/json</c>); a foreign page could send those only after a
/// CORS preflight the portal never grants — whose <c>Origin</c> (or <c>Referer</c>) is the portal's own. The auth cookie is SameSite=Lax, which a sibling origin (same site) gets
/// past; this check does not. Requests with an API key are not affected: browsers never add one by themselves.
/// </summary>
public sealed class CookieWriteProtection(RequestDelegate next, IAntiforgery antiforgery)
{
    public const string TokenHeader = "RequestVerificationToken";

    private static readonly string[] SimpleMediaTypes = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

    public async Task InvokeAsync(HttpContext context)
    {
        if (IsCookieApiWrite(context) && await RefusalAsync(context) is { } reason)
        {
            await AuthProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused", reason);
            return;
        }

        await next(context);
    }

    private static bool IsCookieApiWrite(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api")
        && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
             || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
        && context.User.Identity is { IsAuthenticated: true } identity
        && identity.AuthenticationType != ApiKeyAuthenticationHandler.SchemeName;

    private async Task<string?> RefusalAsync(HttpContext context)
    {
        if (await HasValidTokenAsync(context))
        {
            return null;
        }

        var request = context.Request;
        if (HttpMethods.IsPost(request.Method) && IsSimple(request.ContentType))
        {
            return $"A signed-in write with {(request.ContentType is null ? "no content type" : $"content type '{request.ContentType}'")} (what a "
                + $"cross-site form or simple request can send) needs an antiforgery token in the {TokenHeader} header; or send application/json "
                + "from the portal's own origin.";
        }

        var own = $"{request.Scheme}://{request.Host}";
        return OriginOf(request) switch
        {
            null => "A signed-in write needs an Origin or Referer header naming the portal's own origin, or an antiforgery token.",
            var origin when !SameOrigin(origin, own) => $"The request comes from {origin}, not from the portal's own origin {own}.",
            _ => null,
        };
    }

    private async Task<bool> HasValidTokenAsync(HttpContext context)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException or IOException or BadHttpRequestException)
        {
            return false; // a form body that cannot be read carries no token
        }
    }

    private static bool IsSimple(string? contentType) =>
        !MediaTypeHeaderValue.TryParse(contentType, out var media)
        || SimpleMediaTypes.Contains(media.MediaType.Value, StringComparer.OrdinalIgnoreCase);

    private static string? OriginOf(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && origin != "null")
        {
            return origin;
        }

        return Uri.TryCreate(request.Headers.Referer.ToString(), UriKind.Absolute, out var referer)
            ? referer.GetLeftPart(UriPartial.Authority)
            : null;
    }

    private static bool SameOrigin(string origin, string own) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var a) && Uri.TryCreate(own, UriKind.Absolute, out var b)
        && a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
}

public static class CookieWriteProtectionExtensions
{
    /// <summary>After authentication (it needs to know whether a cookie or an API key signed the request).</summary>
    public static IApplicationBuilder UseCookieWriteProtection(this IApplicationBuilder app) => app.UseMiddleware<CookieWriteProtection>();
}
