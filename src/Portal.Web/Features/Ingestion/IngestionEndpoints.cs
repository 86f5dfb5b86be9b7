using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Ingestion.Reference;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Auth;
using Portal.Web.Infrastructure.Models;
using Portal.Web.Infrastructure.OpenApi;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Ingestion;

/// <summary>
/// Predictions, feedback and resource samples (API.md, "Ingestion"). Every item is validated; the good ones go
/// through the <see cref="IngestionChannel"/> to the writer and the answer waits for their commit.
/// </summary>
public static class IngestionEndpoints
{
    public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<RejectedItem> Rejected);

    public sealed record FeedbackResponse(int Accepted, int Duplicates, int Unmatched, IReadOnlyList<RejectedItem> Rejected);

    /// <summary>The media types of an item batch: one item or an array as JSON, or NDJSON.</summary>
    public static readonly string[] JsonTypes = ["application/json", "application/x-ndjson"];

    public static IEndpointRouteBuilder MapIngestionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<IngestionOptions>>().Value;
        var bodyLimit = new RequestSizeLimitAttribute(options.MaxBodyBytes);
        var models = endpoints.MapGroup("/api/v1/models/{model}").RequireModelWriter().WithTags("Ingestion");
        // Items are read one by one (JsonElement) so that a bad item is rejected alone; DocumentsBody documents their shape.
        models.MapPost("/predictions", Predictions).WithMetadata(bodyLimit).DocumentsBody<PredictionItem[]>(JsonTypes);
        models.MapPost("/feedback", Feedback).WithMetadata(bodyLimit).DocumentsBody<FeedbackItem[]>(JsonTypes);
        models.MapPut("/reference", ReferenceUpload.HandleAsync).WithMetadata(new RequestSizeLimitAttribute(options.ReferenceMaxBodyBytes))
            .DocumentsBody<ReferenceColumns>("text/csv", "application/json");
        endpoints.MapPost("/api/v1/resources", Resources).RequireModelWriter().WithMetadata(bodyLimit).WithTags("Ingestion")
            .DocumentsBody<ResourceItem[]>(JsonTypes);
        return endpoints;
    }

    /// <summary>Who may: <see cref="Policies.ModelWriter"/> on the route (a key of this model, an admin key, an Engineer or higher).</summary>
    private static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> Predictions(
        string model, HttpContext context, ModelCatalog catalog, IngestionChannel channel, IOptions<IngestionOptions> options, TimeProvider time)
    {
        if (await catalog.FindAsync(model, context.RequestAborted) is not { } info)
        {
            return IngestionAuth.UnknownModel(model);
        }

        using var body = await IngestionBody.ReadAsync(context.Request, options.Value.MaxItemsPerRequest, context.RequestAborted);
        return await ValidateAndSubmitAsync(context, body, time, (item, now, problems) => PredictionValidator.Validate(item, info, now, problems),
            records => new PredictionWrite(info, records), channel,
            (result, rejected) => new IngestResponse(result.Accepted, result.Duplicates, rejected));
    }

    private static async Task<Results<Ok<FeedbackResponse>, ProblemHttpResult>> Feedback(
        string model, HttpContext context, ModelCatalog catalog, IngestionChannel channel, IOptions<IngestionOptions> options, TimeProvider time)
    {
        if (await catalog.FindAsync(model, context.RequestAborted) is not { } info)
        {
            return IngestionAuth.UnknownModel(model);
        }

        using var body = await IngestionBody.ReadAsync(context.Request, options.Value.MaxItemsPerRequest, context.RequestAborted);
        return await ValidateAndSubmitAsync(context, body, time, (item, now, problems) => FeedbackValidator.Validate(item, info, now, problems),
            records => new FeedbackWrite(info, records), channel,
            (result, rejected) => new FeedbackResponse(result.Accepted, result.Duplicates, result.Unmatched, rejected));
    }

    /// <summary>
    /// Host samples, each of one model (<c>"model"</c>, or the key's own model) or of none. Each item's model is checked
    /// against <see cref="ModelAccess.CanWrite"/> before any lookup, so names the caller may not write cost nothing, and
    /// the rest are looked up together in one query.
    /// </summary>
    private static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> Resources(
        HttpContext context, ModelCatalog catalog, IngestionChannel channel, IOptions<IngestionOptions> options, TimeProvider time)
    {
        var user = context.User;
        var scoped = ModelAccess.ScopedModel(user);
        using var body = await IngestionBody.ReadAsync(context.Request, options.Value.MaxItemsPerRequest, context.RequestAborted);
        var writable = body.Items.Select(item => ModelNameOf(item) ?? scoped).OfType<string>()
            .Where(name => ModelAccess.CanWrite(user, name)).ToHashSet(StringComparer.Ordinal);
        var models = await catalog.FindManyAsync(writable, context.RequestAborted);

        ResourceRecord? Validate(JsonElement item, long now, ValidationProblems problems)
        {
            var name = ModelNameOf(item) ?? scoped;
            ModelInfo? model = null;
            if (name is not null)
            {
                if (!writable.Contains(name))
                {
                    problems.Add("model", scoped is not null
                        ? $"this API key may only send samples of model '{scoped}'."
                        : $"you may not send samples of model '{name}'.");
                }
                else if (models.GetValueOrDefault(name) is not { } found)
                {
                    problems.Add("model", $"there is no model '{name}'.");
                }
                else
                {
                    model = found;
                }
            }

            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("model", out var m) && m.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                problems.Add("model", "must be a string (a model name).");
            }

            var record = ResourceValidator.Validate(item, model, now, problems);
            return problems.IsEmpty ? record : null;
        }

        return await ValidateAndSubmitAsync(context, body, time, Validate, records => new ResourceWrite(records), channel,
            (result, rejected) => new IngestResponse(result.Accepted, result.Duplicates, rejected));
    }

    /// <summary>The model an item names; null when it names none or the name is unreadable (the item is then rejected by <see cref="JsonText"/>).</summary>
    private static string? ModelNameOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String && JsonText.FindBad(m) is null
            ? m.GetString()
            : null;

    private delegate T? Validator<T>(JsonElement item, long nowMs, ValidationProblems problems)
        where T : class;

    private static async Task<Results<Ok<TAnswer>, ProblemHttpResult>> ValidateAndSubmitAsync<T, TAnswer>(
        HttpContext context, IngestionBody body, TimeProvider time, Validator<T> validate, Func<List<T>, WriteRequest> toWrite,
        IngestionChannel channel, Func<WriteResult, List<RejectedItem>, TAnswer> answer)
        where T : class
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var (records, rejected) = body.Validate<T>((item, problems) => validate(item, now, problems));
        if (records.Count == 0)
        {
            return TypedResults.Ok(answer(new WriteResult(0, 0), rejected));
        }

        var request = toWrite(records);
        switch (channel.TrySubmit(request))
        {
            case IngestionChannel.SubmitResult.Full:
                context.Response.Headers.RetryAfter = channel.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Ingestion queue full",
                    detail: $"The writer is behind ({channel.QueuedItems} items queued). Nothing of this request was stored; retry after {channel.RetryAfterSeconds} s.");
            case IngestionChannel.SubmitResult.ShuttingDown:
                context.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Shutting down",
                    detail: "This node is shutting down. Nothing of this request was stored; retry shortly.");
        }

        try
        {
            // Not cancelled with the request: once queued, the items are committed whether or not the client waits.
            return TypedResults.Ok(answer(await request.Completion.Task, rejected));
        }
        catch (Exception)
        {
            // The writer logged the error; its message stays there: it can carry SQL, values of other rows or server details.
            context.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage failed",
                detail: "The items could not be committed. Nothing of this request was stored; retry.");
        }
    }
}
