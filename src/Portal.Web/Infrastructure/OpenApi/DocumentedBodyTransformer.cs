using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>The record that describes a body the handler reads by hand, and its media types (documentation only).</summary>
public sealed record DocumentedBody(Type Type, IReadOnlyList<string> ContentTypes);

public static class DocumentedBodyExtensions
{
    /// <summary>
    /// Documents the body of a handler that reads it by hand (JsonElement, item by item, CSV) as <typeparamref name="T"/>.
    /// Unlike <c>.Accepts&lt;T&gt;()</c> it does not take part in routing, so the media types the handler accepted
    /// before are still accepted (no new 415).
    /// </summary>
    public static TBuilder DocumentsBody<T, TBuilder>(this TBuilder builder, params string[] contentTypes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DocumentedBody(typeof(T), contentTypes.Length > 0 ? contentTypes : ["application/json"]));

    public static RouteHandlerBuilder DocumentsBody<T>(this RouteHandlerBuilder builder, params string[] contentTypes) =>
        builder.DocumentsBody<T, RouteHandlerBuilder>(contentTypes);
}

/// <summary>
/// Puts the schema of <see cref="DocumentedBody"/> in the document as the operation's request body, instead of "any
/// JSON" (a JsonElement parameter) or nothing (a body read from the request stream).
/// </summary>
internal sealed class DocumentedBodyTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<DocumentedBody>().LastOrDefault() is not { } documented)
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(documented.Type, null, cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = documented.ContentTypes.ToDictionary(type => type, _ => new OpenApiMediaType { Schema = schema }),
        };
    }
}
