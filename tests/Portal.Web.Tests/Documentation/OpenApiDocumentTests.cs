using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Documentation;

/// <summary>The published OpenAPI document is valid and lists every REST route with its methods.</summary>
public sealed partial class OpenApiDocumentTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Document_is_valid_openapi_without_errors()
    {
        var json = await factory.CreateClient().GetStringAsync("/openapi/v1.json");

        var result = OpenApiDocument.Parse(json, OpenApiConstants.Json);

        Assert.NotNull(result.Document);
        Assert.Empty(result.Diagnostic?.Errors ?? []);
        Assert.Equal("Portal REST API", result.Document.Info.Title);
    }

    [Fact]
    public async Task Every_api_route_and_method_is_in_the_document()
    {
        var paths = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!["paths"]!.AsObject();
        var documented = paths.SelectMany(path => path.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {path.Key}"))
            .ToHashSet(StringComparer.Ordinal);

        var routes = ApiRoutes().ToList();

        Assert.NotEmpty(routes);
        var missing = routes.Except(documented).Order().ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public async Task Typed_request_bodies_carry_their_schema()
    {
        var document = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;

        var createKey = document["paths"]!["/api/v1/api-keys"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"];

        Assert.NotNull(createKey);
    }

    [Fact]
    public async Task Reference_page_is_served()
    {
        var response = await factory.CreateClient().GetAsync("/api/docs");

        response.EnsureSuccessStatusCode();
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync());
    }

    /// <summary>"METHOD /api/v1/…" for every mapped REST endpoint, with route constraints removed as OpenAPI writes them.</summary>
    private IEnumerable<string> ApiRoutes()
    {
        var sources = factory.Services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (!pattern.StartsWith("/api/v1", StringComparison.Ordinal) && !pattern.StartsWith("api/v1", StringComparison.Ordinal))
            {
                continue;
            }

            var path = "/" + Constraint().Replace(pattern.TrimStart('/'), "{$1}").TrimEnd('/');
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                yield return $"{method} {path}";
            }
        }
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^}]*)?\??\}")]
    private static partial Regex Constraint();
}
