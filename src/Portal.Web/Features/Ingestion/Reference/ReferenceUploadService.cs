using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Web.Infrastructure.Validation;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Ingestion.Reference;

/// <summary>Invalid rows and cells of a reference upload, each with its field (<c>reference[row 4].amount</c>).</summary>
public sealed class ReferenceErrorsException(IReadOnlyList<AnalysisInputException> errors) : InputValidationException(
    errors.GroupBy(x => x.Field).ToDictionary(g => g.Key, g => g.Select(x => x.Reason).ToArray()),
    AspNetTitle,
    $"{errors.Count} invalid cells or rows{(errors.Count >= MaxErrors ? " (the first ones)" : "")}. Nothing was stored.")
{
    /// <summary>Reading stops after this many errors.</summary>
    public const int MaxErrors = 100;

    /// <summary>Each error in reading order.</summary>
    public IReadOnlyList<AnalysisInputException> Items { get; } = errors;
}

/// <summary>What the UI shows after an upload: the stored dataset, or every error with its field.</summary>
public sealed record ReferenceUploadOutcome(ReferenceUpload.ReferenceResponse? Stored, IReadOnlyList<ReferenceUploadOutcome.Error> Errors)
{
    public sealed record Error(string Field, string Message);
}

/// <summary>
/// Stores a new version of a model's reference dataset from a stream (REST and the drift tab's upload share it).
/// Nothing is kept of an upload that fails.
/// </summary>
public sealed class ReferenceUploadService(IDbContextFactory<PortalDbContext> contexts, ModelCatalog catalog, IOptions<IngestionOptions> options)
{
    public async Task<ReferenceUpload.ReferenceResponse> UploadAsync(ModelInfo model, string format, Stream body, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var writer = await ReferenceWriter.StartAsync(db, model, format, options.Value.ReferenceMaxRows, cancellationToken);
        try
        {
            await ReferenceUpload.ReadAsync(format, body, writer, cancellationToken);
            await writer.FinishAsync(cancellationToken);
        }
        catch (JsonException e)
        {
            await writer.AbortAsync();
            throw new AnalysisInputException("$", $"The body is not valid JSON: {e.Message} Nothing was stored.");
        }
        catch
        {
            await writer.AbortAsync();
            throw;
        }

        var dataset = writer.Dataset;
        return new ReferenceUpload.ReferenceResponse(model.Name, dataset.Version, dataset.RowCount,
            writer.Columns.Select(c => new ReferenceUpload.ColumnSummary(c.Name, c.Entity.Type.ToString().ToLowerInvariant(), c.Entity.Count, c.Entity.Missing)).ToList());
    }

    /// <summary>A CSV file from the UI: the stored dataset, or the errors to show (nothing stored then).</summary>
    public async Task<ReferenceUploadOutcome> UploadCsvAsync(string modelName, Stream csv, CancellationToken cancellationToken)
    {
        if (await catalog.FindAsync(modelName, cancellationToken) is not { } model)
        {
            return Failed("model", $"There is no model '{modelName}'.");
        }

        try
        {
            return new ReferenceUploadOutcome(await UploadAsync(model, "csv", csv, cancellationToken), []);
        }
        catch (ReferenceErrorsException e)
        {
            return new ReferenceUploadOutcome(null, e.Items.Select(x => new ReferenceUploadOutcome.Error(x.Field, x.Reason)).ToList());
        }
        catch (AnalysisInputException e)
        {
            return Failed(e.Field, e.Reason);
        }
        catch (ReferenceTooLargeException e)
        {
            return Failed("reference", e.Message);
        }
    }

    private static ReferenceUploadOutcome Failed(string field, string message) => new(null, [new ReferenceUploadOutcome.Error(field, message)]);
}
