using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Features.Analysis;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Ingestion.Reference;

/// <summary>
/// PUT /api/v1/models/{model}/reference: a new version of the model's reference dataset, as CSV (text/csv, a header
/// row then one row per record) or JSON (<c>{"columns": {"age": [..], "country": [..]}}</c>). Both are streamed:
/// rows are parsed as they arrive and written in column chunks, so a million rows never sit in memory at once.
/// Column types come from the model's feature schema, otherwise from the values (all numbers → numerical).
/// </summary>
public static class ReferenceUpload
{
    public sealed record ReferenceResponse(string Model, int Version, long Rows, IReadOnlyList<ColumnSummary> Columns);

    public sealed record ColumnSummary(string Name, string Type, long Count, long Missing);

    public static async Task<Results<Created<ReferenceResponse>, ProblemHttpResult>> HandleAsync(
        string model, HttpContext context, ModelCatalog catalog, ReferenceUploadService uploads, CancellationToken cancellationToken)
    {
        if (await catalog.FindAsync(model, cancellationToken) is not { } info)
        {
            return IngestionAuth.UnknownModel(model);
        }

        var mediaType = context.Request.ContentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        var format = mediaType switch
        {
            "text/csv" or "application/csv" => "csv",
            "application/json" => "json",
            _ => null,
        };
        if (format is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the reference dataset as text/csv (header row first) or application/json {\"columns\": {\"name\": [values]}}.");
        }

        // Too large (413) and invalid cells (400, every one by field) are exceptions that ProblemExceptionHandler answers.
        var stored = await uploads.UploadAsync(info, format, context.Request.Body, cancellationToken);
        return TypedResults.Created($"/api/v1/models/{model}/reference/{stored.Version}", stored);
    }

    /// <summary>Parses <paramref name="body"/> into <paramref name="writer"/>: "csv" or "json".</summary>
    internal static Task ReadAsync(string format, Stream body, ReferenceWriter writer, CancellationToken cancellationToken) =>
        format == "csv" ? ReadCsvAsync(body, writer, cancellationToken) : ReadJsonAsync(body, writer, cancellationToken);

    private static async Task ReadCsvAsync(Stream body, ReferenceWriter writer, CancellationToken cancellationToken)
    {
        using var strict = new StrictCsv(body, "reference");
        var csv = strict.Reader;
        if (!await strict.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
        {
            throw new AnalysisInputException("reference", "is empty: a header row with column names is required.");
        }

        var columns = new List<ReferenceWriter.ColumnBuilder>();
        foreach (var name in header)
        {
            columns.Add(await writer.AddColumnAsync(name, null, cancellationToken));
        }

        // Every bad row and cell is reported (up to MaxErrors), not only the first: the whole file is read once.
        var errors = new List<AnalysisInputException>();
        var row = 1;
        while (errors.Count < ReferenceErrorsException.MaxErrors && await strict.ReadAsync())
        {
            row++;
            if (csv.Parser.Count != columns.Count)
            {
                errors.Add(new AnalysisInputException($"reference[row {row}]", $"has {csv.Parser.Count} cells; the header has {columns.Count}."));
                continue;
            }

            for (var i = 0; i < columns.Count; i++)
            {
                try
                {
                    await columns[i].AddTextAsync(csv.GetField(i), $"reference[row {row}].{columns[i].Name}", cancellationToken);
                }
                catch (AnalysisInputException e)
                {
                    errors.Add(e);
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ReferenceErrorsException(errors);
        }
    }

    private static async Task ReadJsonAsync(Stream body, ReferenceWriter writer, CancellationToken cancellationToken)
    {
        var token = new JsonTokenStream(body);
        await token.ExpectAsync(JsonTokenType.StartObject, "a JSON object {\"columns\": {...}}", cancellationToken);
        var sawColumns = false;
        while (await token.ReadAsync(cancellationToken) && token.TokenType == JsonTokenType.PropertyName)
        {
            if (token.TextProblem is { } problem)
            {
                throw new AnalysisInputException("$", "a property name " + problem);
            }

            if (token.String != "columns")
            {
                throw new AnalysisInputException(token.String ?? "$", "is not a field of a reference upload; send {\"columns\": {\"name\": [values]}}.");
            }

            sawColumns = true;
            await token.ExpectAsync(JsonTokenType.StartObject, "\"columns\" to be an object of column name → array of values", cancellationToken);
            while (await token.ReadAsync(cancellationToken) && token.TokenType == JsonTokenType.PropertyName)
            {
                if (token.TextProblem is { } nameProblem)
                {
                    throw new AnalysisInputException("columns", "a column name " + nameProblem);
                }

                var name = token.String!;
                var column = await writer.AddColumnAsync(name, null, cancellationToken);
                if (!await token.ReadAsync(cancellationToken) || token.TokenType != JsonTokenType.StartArray)
                {
                    throw new AnalysisInputException($"columns.{name}", "must be an array of values.");
                }

                var index = 0;
                while (await token.ReadAsync(cancellationToken) && token.TokenType != JsonTokenType.EndArray)
                {
                    await column.AddJsonAsync(token, $"columns.{name}[{index++}]", cancellationToken);
                }
            }
        }

        if (!sawColumns)
        {
            throw new AnalysisInputException("columns", "is required: {\"columns\": {\"name\": [values]}}.");
        }
    }

    /// <summary>The current (highest ready) reference dataset of a model, if any.</summary>
    public static IQueryable<ReferenceDataset> Current(PortalDbContext db, int modelId) =>
        db.ReferenceDatasets.Where(d => d.ModelId == modelId && d.Status == ReferenceStatus.Ready).OrderByDescending(d => d.Version).Take(1);
}
