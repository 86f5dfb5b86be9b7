using System.Text.Json;
using Portal.Analysis.Common;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Ingestion;

/// <summary>
/// The items of an ingestion body: one JSON object, a JSON array of objects, or NDJSON (one object per line).
/// A body that is not valid JSON is a 400 naming where (nothing is stored); more than the item limit is a 413.
/// </summary>
public sealed class IngestionBody : IDisposable
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };
    private static readonly string[] NdjsonTypes = ["application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"];

    private readonly List<JsonDocument> documents = [];

    private IngestionBody()
    {
    }

    public List<JsonElement> Items { get; } = [];

    /// <summary>
    /// Validates every item; an item is rejected with all its errors (each naming its field). Strings that break the
    /// <see cref="JsonText"/> rule are named first, every one; the validator reads the item too unless a string is
    /// invalid UTF-8 (which cannot be read), so an item with a NUL also lists its other errors.
    /// </summary>
    public (List<T> Records, List<RejectedItem> Rejected) Validate<T>(Func<JsonElement, ValidationProblems, T?> validate)
        where T : class
    {
        var records = new List<T>(Items.Count);
        var rejected = new List<RejectedItem>();
        var problems = new ValidationProblems();
        for (var i = 0; i < Items.Count; i++)
        {
            problems.Clear();
            var readable = true;
            if (JsonText.FindBad(Items[i]) is not null)
            {
                foreach (var (path, reason) in JsonText.FindAllBad(Items[i]))
                {
                    problems.Add(path, reason);
                    readable &= reason == JsonText.HasNul;
                }
            }

            if ((readable ? validate(Items[i], problems) : null) is { } record && problems.IsEmpty)
            {
                records.Add(record);
            }
            else
            {
                rejected.Add(new RejectedItem(i, problems.IsEmpty ? ["item: is not valid."] : problems.ToLines()));
            }
        }

        return (records, rejected);
    }

    public static async Task<IngestionBody> ReadAsync(HttpRequest request, int maxItems, CancellationToken cancellationToken)
    {
        var body = new IngestionBody();
        try
        {
            var mediaType = request.ContentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
            if (mediaType is not null && NdjsonTypes.Contains(mediaType))
            {
                await body.ReadNdjsonAsync(request.Body, maxItems, cancellationToken);
            }
            else
            {
                await body.ReadJsonAsync(request.Body, maxItems, cancellationToken);
            }

            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private async Task ReadJsonAsync(Stream stream, int maxItems, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, Options, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new AnalysisInputException("$", $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {FirstSentence(e.Message)} Nothing was stored.");
        }

        documents.Add(document);
        var root = document.RootElement;
        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                Items.Add(root);
                break;
            case JsonValueKind.Array:
                var length = root.GetArrayLength();
                if (length > maxItems)
                {
                    throw new TooManyItemsException(length, maxItems);
                }

                Items.AddRange(root.EnumerateArray());
                break;
            default:
                throw new AnalysisInputException("$", "The body must be a JSON object (one item) or an array of items, or NDJSON with Content-Type application/x-ndjson.");
        }
    }

    private async Task ReadNdjsonAsync(Stream stream, int maxItems, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (Items.Count == maxItems)
            {
                throw new TooManyItemsException(null, maxItems);
            }

            try
            {
                var document = JsonDocument.Parse(line, Options);
                documents.Add(document);
                Items.Add(document.RootElement);
            }
            catch (JsonException e)
            {
                throw new AnalysisInputException($"line {lineNumber}", $"is not valid JSON (byte {e.BytePositionInLine}): {FirstSentence(e.Message)} Nothing was stored.");
            }
        }

        if (Items.Count == 0)
        {
            throw new AnalysisInputException("$", "The NDJSON body has no items.");
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    public void Dispose()
    {
        foreach (var document in documents)
        {
            document.Dispose();
        }
    }
}

/// <summary>More items than one request may carry: answered 413 (by <see cref="Infrastructure.ProblemExceptionHandler"/>).</summary>
public sealed class TooManyItemsException(int? count, int max) : Infrastructure.Validation.ProblemException(
    StatusCodes.Status413PayloadTooLarge,
    "Too many items",
    count is { } n ? $"The body has {n} items; at most {max} are accepted per request." : $"The body has more than {max} items; at most {max} are accepted per request.")
{
    public override string Detail => Message + " Nothing was stored.";
}
