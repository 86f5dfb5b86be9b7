using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Drift;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>
/// Reads columns of a reference dataset chunk by chunk (see <see cref="ReferenceChunk"/>), keeping every k-th row
/// (k = ⌈rows / cap⌉) when the dataset is larger than the cap. A column stored with the other type is converted
/// (numbers as invariant text; text that is not a number becomes missing).
/// </summary>
public sealed class ReferenceReader(PortalDbContext db)
{
    /// <summary>Column names the drift job reads, when present, as the baseline of prediction and target drift.</summary>
    public static readonly string[] OutputColumns = ["score", "prediction"];

    public static readonly string[] LabelColumns = ["label", "target"];

    public async Task<ColumnSample?> ReadAsync(ReferenceDataset dataset, string name, FeatureType type, int cap, CancellationToken cancellationToken)
    {
        if (await ReadValuesAsync(dataset, name, type, cap, cancellationToken) is not { } values)
        {
            return null;
        }

        return type == FeatureType.Numerical ? ColumnSample.FromNumbers(values.Numbers) : ColumnSample.FromCategories(values.Categories);
    }

    /// <summary>
    /// A column read as numbers in row order (NaN = missing), with the same sampling as <see cref="ReadAsync"/>, so the
    /// columns of one dataset stay aligned row by row; null when the dataset has no such column.
    /// </summary>
    public async Task<double[]?> ReadNumbersAsync(ReferenceDataset dataset, string name, int cap, CancellationToken cancellationToken) =>
        (await ReadValuesAsync(dataset, name, FeatureType.Numerical, cap, cancellationToken))?.Numbers;

    /// <summary>
    /// A column's values in row order with missing values kept (NaN or null), so two columns of the same dataset read
    /// with the same cap stay aligned row by row; null when the dataset has no such column.
    /// </summary>
    public async Task<ReferenceValues?> ReadValuesAsync(ReferenceDataset dataset, string name, FeatureType type, int cap, CancellationToken cancellationToken)
    {
        var column = dataset.Columns.FirstOrDefault(c => c.Name == name);
        if (column is null)
        {
            return null;
        }

        var stride = PredictionWindowReader.Stride((int)Math.Min(int.MaxValue, dataset.RowCount), cap);
        var numbers = new List<double>();
        var categories = new List<string?>();
        long row = 0;
        var chunks = db.ReferenceChunks.AsNoTracking().Where(c => c.ColumnId == column.Id).OrderBy(c => c.ChunkIndex).Select(c => c.Data);
        await foreach (var data in chunks.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (column.Type == FeatureType.Numerical)
            {
                for (var offset = 0; offset + 8 <= data.Length; offset += 8, row++)
                {
                    if (row % stride == 0)
                    {
                        var value = BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(offset));
                        if (type == FeatureType.Numerical)
                        {
                            numbers.Add(value);
                        }
                        else
                        {
                            categories.Add(double.IsNaN(value) ? null : value.ToString(CultureInfo.InvariantCulture));
                        }
                    }
                }
            }
            else
            {
                foreach (var value in JsonSerializer.Deserialize<string?[]>(data) ?? [])
                {
                    if (row++ % stride != 0)
                    {
                        continue;
                    }

                    if (type == FeatureType.Categorical)
                    {
                        categories.Add(value);
                    }
                    else
                    {
                        numbers.Add(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN);
                    }
                }
            }
        }

        return new ReferenceValues(numbers.ToArray(), categories);
    }

    /// <summary>The first of <paramref name="names"/> the dataset has, read with <paramref name="type"/>; null when it has none.</summary>
    public async Task<ColumnSample?> ReadFirstAsync(ReferenceDataset dataset, IEnumerable<string> names, FeatureType type, int cap, CancellationToken cancellationToken)
    {
        foreach (var name in names)
        {
            if (dataset.Columns.Any(c => c.Name == name))
            {
                return await ReadAsync(dataset, name, type, cap, cancellationToken);
            }
        }

        return null;
    }
}

/// <summary>One reference column read in row order: numbers (NaN = missing) or categories (null = missing), by the type asked for.</summary>
public sealed record ReferenceValues(double[] Numbers, IReadOnlyList<string?> Categories);
