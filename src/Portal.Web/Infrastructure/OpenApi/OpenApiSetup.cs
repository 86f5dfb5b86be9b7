using Scalar.AspNetCore;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>The OpenAPI document of the REST API at <c>/openapi/v1.json</c> and its reference page at <c>/api/docs</c>.</summary>
public static class OpenApiSetup
{
    public const string DocumentPath = "/openapi/{documentName}.json";

    /// <summary>Where the API reference page is served (it gets its own Content-Security-Policy, see SecurityHeaders).</summary>
    public const string ReferencePath = "/api/docs";

    public static IServiceCollection AddPortalOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            // Only the REST API: Blazor pages, the hub and the Hangfire dashboard are not part of the contract.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Portal REST API";
                document.Info.Description = "Machines authenticate with the X-Api-Key header; people with the sign-in cookie.";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer<DocumentedBodyTransformer>();
        });
        return services;
    }

    /// <summary>Both are public: the contract is no secret, and every route it lists checks its own roles.</summary>
    public static IEndpointRouteBuilder MapPortalOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(DocumentPath).AllowAnonymous();
        endpoints.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("Portal REST API")
                .DisableDefaultFonts() // Scalar's fonts come from its CDN: the policy (and offline sites) refuse them
                .WithOpenApiRoutePattern(DocumentPath))
            .AllowAnonymous();
        return endpoints;
    }
}
