using Microsoft.AspNetCore.Http.Metadata;

namespace Portal.Web.Infrastructure;

public static class BodyLimits
{
    /// <summary>
    /// Answers 413 problem+json up front when Content-Length exceeds the endpoint's declared size limit.
    /// Kestrel enforces the same limit on bodies without Content-Length while they are read.
    /// </summary>
    public static IApplicationBuilder UseDeclaredBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        if (limit is { } max && context.Request.ContentLength > max)
        {
            await TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Request body too large",
                detail: $"The body has {context.Request.ContentLength} bytes; this endpoint accepts at most {max}.").ExecuteAsync(context);
            return;
        }

        await next(context);
    });
}
