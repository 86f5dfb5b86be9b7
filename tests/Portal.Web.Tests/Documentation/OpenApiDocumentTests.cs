using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Portal.Web.Infrastructure.OpenApi;
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

    /// <summary>Write routes that take no body at all: "run now" and state changes without a note.</summary>
    private static readonly HashSet<string> Bodiless = new(StringComparer.Ordinal)
    {
        "POST /api/v1/models/{model}/drift/run",
        "POST /api/v1/models/{model}/quality/run",
        "POST /api/v1/models/{model}/fairness/run",
        "POST /api/v1/experiments/{id}/start",
        "POST /api/v1/experiments/{id}/analyses",
        "POST /api/v1/alert-rules/{id}/enable",
        "POST /api/v1/alert-rules/{id}/disable",
        "POST /api/v1/alerts/{id}/unacknowledge",
        "POST /api/v1/channels/{id}/test",
        "POST /api/v1/silences/{id}/expire",
    };

    [Fact]
    public async Task Every_api_operation_documents_its_request_body_and_success_response()
    {
        var paths = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!["paths"]!;
        var faults = new List<string>();

        foreach (var (route, method, endpoint) in ApiEndpoints())
        {
            var operation = paths[route.Path]?[method.ToLowerInvariant()];
            if (operation is null)
            {
                faults.Add($"{method} {route.Path}: not in the document");
                continue;
            }

            var name = $"{method} {route.Path}";
            var takesBody = endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>().Any() || endpoint.Metadata.GetMetadata<DocumentedBody>() is not null;
            if (takesBody && !HasSchema(operation["requestBody"]?["content"]))
            {
                faults.Add($"{name}: request body without a schema");
            }
            else if (!takesBody && method is "POST" or "PUT" or "PATCH" && !Bodiless.Contains(name))
            {
                faults.Add($"{name}: reads a body the document does not declare (type the parameter, or .DocumentsBody<T>())");
            }

            var success = endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>().Where(p => p.StatusCode is >= 200 and < 300).ToList();
            if (success.Count == 0)
            {
                faults.Add($"{name}: no success response declared (return Results<…>, or .Produces<T>())");
            }

            foreach (var produced in success.Where(p => p.Type is not null && p.Type != typeof(void)))
            {
                if (!HasSchema(operation["responses"]?[produced.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["content"]))
                {
                    faults.Add($"{name}: {produced.StatusCode} response without a schema");
                }
            }
        }

        Assert.True(faults.Count == 0, string.Join("\n", faults));
    }

    /// <summary>
    /// Some media type of the content has a schema that says something: not <c>{}</c>, and not a bare JsonElement (what a
    /// hand-parsed body documents).
    /// </summary>
    private static bool HasSchema(JsonNode? content) =>
        content is JsonObject media && media.Any(m => m.Value?["schema"] is JsonObject schema && schema.Count > 0
            && schema["$ref"]?.GetValue<string>() != "#/components/schemas/JsonElement");

    [Fact]
    public async Task Reference_page_is_served()
    {
        var response = await factory.CreateClient().GetAsync("/api/docs");

        response.EnsureSuccessStatusCode();
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync());
    }

    /// <summary>"METHOD /api/v1/…" for every mapped REST endpoint, with route constraints removed as OpenAPI writes them.</summary>
    private IEnumerable<string> ApiRoutes() => ApiEndpoints().Select(e => $"{e.Method} {e.Route.Path}");

    private IEnumerable<(ApiRoute Route, string Method, RouteEndpoint Endpoint)> ApiEndpoints()
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
                yield return (new ApiRoute(path), method, endpoint);
            }
        }
    }

    private sealed record ApiRoute(string Path);

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^}]*)?\??\}")]
    private static partial Regex Constraint();
}
