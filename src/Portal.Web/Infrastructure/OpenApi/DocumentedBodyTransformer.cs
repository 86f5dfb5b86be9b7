using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// A handler that reads its body as <see cref="JsonElement"/> (to tell a missing field from a null one, or to take
/// labels as numbers or strings) would be documented as "any JSON". <c>.Accepts&lt;T&gt;()</c> on the endpoint names the
/// record that describes the body; this puts that record's schema in the document instead.
/// </summary>
internal sealed class DocumentedBodyTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var readsJsonElement = context.Description.ParameterDescriptions.Any(p => p.Type == typeof(JsonElement));
        var documented = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAcceptsMetadata>()
            .LastOrDefault(a => a.RequestType is { } type && type != typeof(JsonElement))?.RequestType;
        if (!readsJsonElement || documented is null || operation.RequestBody?.Content is not { } content)
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(documented, null, cancellationToken);
        foreach (var media in content.Values)
        {
            media.Schema = schema;
        }
    }
}
