using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Common;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Rollups;
using Portal.Web.Infrastructure.Validation;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Ingestion.Reference;

/// <summary>
/// Writes one reference dataset column by column in chunks of <see cref="ReferenceChunk.RowsPerChunk"/> values,
/// each chunk in its own short transaction (so a long upload never holds the database's write lock). The dataset
/// stays <see cref="ReferenceStatus.Uploading"/> — invisible — until <see cref="FinishAsync"/>; a failed upload is
/// deleted by <see cref="AbortAsync"/> (and one cut off by a crash is removed by the retention service).
/// </summary>
public sealed class ReferenceWriter(PortalDbContext db, ReferenceDataset dataset, ModelInfo model, long maxRows)
{
    private readonly Dictionary<string, ColumnBuilder> columns = new(StringComparer.Ordinal);

    public long MaxRows => maxRows;

    public ReferenceDataset Dataset => dataset;

    public static async Task<ReferenceWriter> StartAsync(PortalDbContext db, ModelInfo model, string format, long maxRows, CancellationToken cancellationToken)
    {
        var last = await db.ReferenceDatasets.Where(d => d.ModelId == model.Id).MaxAsync(d => (int?)d.Version, cancellationToken) ?? 0;
        var dataset = new ReferenceDataset { ModelId = model.Id, Version = last + 1, Status = ReferenceStatus.Uploading, Format = format };
        await InsertAsync(db, dataset, cancellationToken);
        return new ReferenceWriter(db, dataset, model, maxRows);
    }

    /// <summary>Adds a column. Its type comes from the model's schema, else from <paramref name="guess"/> (null: decide from its first chunk).</summary>
    public async Task<ColumnBuilder> AddColumnAsync(string name, FeatureType? guess, CancellationToken cancellationToken)
    {
        if (name.Length is 0 or > ModelFeature.NameMaxLength)
        {
            throw new AnalysisInputException("columns", $"column name '{name}' must be 1 to {ModelFeature.NameMaxLength} characters long.");
        }

        if (Infrastructure.JsonText.Check(name) is { } problem)
        {
            throw new AnalysisInputException("columns", "a column name " + problem);
        }

        if (columns.Count >= Infrastructure.InputLimits.MaxModelFeatures)
        {
            throw new AnalysisInputException("columns", $"has more than {Infrastructure.InputLimits.MaxModelFeatures} columns; a reference dataset has at most one per feature.");
        }

        if (columns.ContainsKey(name))
        {
            throw new AnalysisInputException($"columns.{name}", "is given twice.");
        }

        var schemaType = model.FeatureIndex.TryGetValue(name, out var i) ? model.Features[i].Type : (FeatureType?)null;
        var entity = new ReferenceColumn { DatasetId = dataset.Id, Name = name, Ordinal = columns.Count, Type = schemaType ?? guess ?? FeatureType.Numerical };
        await InsertAsync(db, entity, cancellationToken);
        var builder = new ColumnBuilder(this, entity, schemaType ?? guess);
        columns[name] = builder;
        return builder;
    }

    public IReadOnlyCollection<ColumnBuilder> Columns => columns.Values;

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        long? rows = null;
        foreach (var column in columns.Values)
        {
            await column.FlushAsync(cancellationToken);
            if (rows is { } r && r != column.Rows)
            {
                throw new AnalysisInputException($"columns.{column.Name}", $"has {column.Rows} values; the first column has {r}.");
            }

            rows = column.Rows;
            db.ReferenceColumns.Update(column.Entity);
        }

        if (rows is null or 0)
        {
            throw new AnalysisInputException("columns", "the reference dataset has no rows.");
        }

        dataset.RowCount = rows.Value;
        dataset.Status = ReferenceStatus.Ready;
        db.ReferenceDatasets.Update(dataset);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Deletes what was stored; the caller's context ends with the upload, so nothing it still tracks is saved.</summary>
    public async Task AbortAsync()
    {
        await db.ReferenceDatasets.Where(d => d.Id == dataset.Id).ExecuteDeleteAsync(CancellationToken.None);
    }

    private Task WriteChunkAsync(ReferenceChunk chunk, CancellationToken cancellationToken) => InsertAsync(db, chunk, cancellationToken);

    /// <summary>Inserts one row and stops tracking it: an upload writes many chunks and its context must not grow with them.</summary>
    private static async Task InsertAsync<T>(PortalDbContext db, T entity, CancellationToken cancellationToken)
        where T : class
    {
        db.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(entity).State = EntityState.Detached;
    }

    /// <summary>Buffers one column's values up to a chunk, keeping its count, missing, min/max/mean and sketch.</summary>
    public sealed class ColumnBuilder(ReferenceWriter owner, ReferenceColumn entity, FeatureType? type)
    {
        private readonly List<string?> pending = [];
        private readonly List<double> numbers = [];
        private readonly List<string?> categories = [];
        private readonly LogHistogram histogram = new();
        private readonly Dictionary<string, long> counts = [];
        private double sum;
        private int chunkIndex;

        public ReferenceColumn Entity => entity;

        public string Name => entity.Name;

        public long Rows { get; private set; }

        public FeatureType? Type => type;

        /// <summary>A cell of text (CSV): parsed by the column's type, or held until the first chunk decides the type.</summary>
        public async Task AddTextAsync(string? cell, string where, CancellationToken cancellationToken)
        {
            var missing = RequestValues.IsMissingText(cell);
            if (type is null)
            {
                pending.Add(missing ? null : cell);
                await CountRowAsync(cancellationToken);
                return;
            }

            AddParsed(missing ? null : cell, where);
            await CountRowAsync(cancellationToken);
        }

        /// <summary>A JSON value: number, string, boolean or null.</summary>
        public async Task AddJsonAsync(JsonTokenStream token, string where, CancellationToken cancellationToken)
        {
            string? text = token.TokenType switch
            {
                JsonTokenType.Null => null,
                JsonTokenType.String => token.String,
                JsonTokenType.Number => token.RawNumber,
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                _ => throw new AnalysisInputException(where, "must be a number, string, boolean or null."),
            };
            if (token.TextProblem is { } problem)
            {
                throw new AnalysisInputException(where, problem);
            }

            if (token.TokenType == JsonTokenType.Number && token.Number is null)
            {
                throw new AnalysisInputException(where, $"{token.RawNumber} is not a finite number.");
            }

            type ??= token.TokenType switch
            {
                JsonTokenType.Number => FeatureType.Numerical,
                JsonTokenType.Null => null,
                _ => FeatureType.Categorical,
            };
            if (type is null)
            {
                pending.Add(null);
            }
            else
            {
                ResolvePending(where);
                AddParsed(token.TokenType == JsonTokenType.Number && type == FeatureType.Categorical
                    ? token.Number!.Value.ToString(CultureInfo.InvariantCulture)
                    : text, where);
            }

            await CountRowAsync(cancellationToken);
        }

        private async Task CountRowAsync(CancellationToken cancellationToken)
        {
            Rows++;
            if (Rows > owner.MaxRows)
            {
                throw new ReferenceTooLargeException(owner.MaxRows);
            }

            if (pending.Count + numbers.Count + categories.Count >= ReferenceChunk.RowsPerChunk)
            {
                await FlushAsync(cancellationToken);
            }
        }

        private void AddParsed(string? text, string where)
        {
            if (type == FeatureType.Categorical)
            {
                if (text is not null && text.Length > ItemFields.MaxCategoryLength)
                {
                    throw new AnalysisInputException(where, $"is {text.Length} characters long; at most {ItemFields.MaxCategoryLength} are allowed.");
                }

                categories.Add(text);
                if (text is null)
                {
                    entity.Missing++;
                }
                else
                {
                    entity.Count++;
                    TopK.Add(counts, text);
                }

                return;
            }

            if (text is null)
            {
                numbers.Add(double.NaN);
                entity.Missing++;
                return;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new AnalysisInputException(where, $"'{Shorten(text)}' is not a finite number (the column is numerical).");
            }

            numbers.Add(value);
            entity.Count++;
            sum += value;
            entity.Min = Math.Min(entity.Min ?? value, value);
            entity.Max = Math.Max(entity.Max ?? value, value);
            histogram.Add(value);
        }

        /// <summary>Decides the type of a column that had none (all numbers → numerical) and parses what was held.</summary>
        private void ResolvePending(string where)
        {
            if (pending.Count == 0)
            {
                return;
            }

            type ??= pending.All(c => c is null || double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                ? FeatureType.Numerical
                : FeatureType.Categorical;
            foreach (var cell in pending)
            {
                AddParsed(cell, where);
            }

            pending.Clear();
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            ResolvePending($"columns.{Name}");
            entity.Type = type ?? FeatureType.Numerical;
            var count = entity.Type == FeatureType.Numerical ? numbers.Count : categories.Count;
            if (count > 0)
            {
                byte[] data;
                if (entity.Type == FeatureType.Numerical)
                {
                    data = new byte[numbers.Count * 8];
                    for (var i = 0; i < numbers.Count; i++)
                    {
                        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(i * 8), numbers[i]);
                    }
                }
                else
                {
                    data = JsonSerializer.SerializeToUtf8Bytes(categories);
                }

                await owner.WriteChunkAsync(new ReferenceChunk { ColumnId = entity.Id, ChunkIndex = chunkIndex++, RowCount = count, Data = data }, cancellationToken);
                numbers.Clear();
                categories.Clear();
            }

            entity.Mean = entity.Type == FeatureType.Numerical && entity.Count > 0 ? sum / entity.Count : null;
            entity.Sketch = entity.Type == FeatureType.Numerical ? histogram.ToJson() : TopK.ToJson(counts);
        }

        private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
    }
}

public sealed class ReferenceTooLargeException(long maxRows) : Infrastructure.Validation.ProblemException(
    StatusCodes.Status413PayloadTooLarge, "Reference too large", $"The reference dataset has more than {maxRows} rows.")
{
    public override string Detail => Message + " Nothing was stored.";
}
