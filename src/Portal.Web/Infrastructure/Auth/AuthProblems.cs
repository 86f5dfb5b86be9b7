namespace Portal.Web.Infrastructure.Auth;

/// <summary>401/403/429 answers of the REST API, as problem+json.</summary>
internal static class AuthProblems
{
    public const string SignInDetail = $"Send a valid API key in the {ApiKeyAuthenticationHandler.HeaderName} header, or sign in.";

    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
    }
}
