using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Analysis.Drift;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Features.Drift.Monitoring;

/// <summary>A feature to read, by name and type.</summary>
public sealed record FeatureSpec(string Name, FeatureType Type)
{
    public ColumnType ColumnType => Type == FeatureType.Numerical ? ColumnType.Numerical : ColumnType.Categorical;
}

/// <summary>What a drift run compares: a sample per feature, plus the model's outputs and labels when known.</summary>
public sealed class DriftSample
{
    public int Rows { get; init; }

    public Dictionary<string, ColumnSample> Features { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Scores (classifiers) or predicted values (regression); null when the source has none.</summary>
    public ColumnSample? Outputs { get; init; }

    /// <summary>Labels: categories for classifiers, numbers for regression; null when there are none.</summary>
    public ColumnSample? Labels { get; init; }

    /// <summary>The numerical features' values row by row (NaN = missing), aligned across features: the rows of multivariate drift.</summary>
    public Dictionary<string, double[]> Numbers { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Reads a window of raw predictions column-wise: rows are streamed (never all in memory as entities), each row's
/// features JSON is parsed into per-feature arrays, and when the window has more rows than the cap, every k-th row by
/// id is taken (k = ⌈rows / cap⌉), a uniform systematic sample that the database filters before reading the row.
/// </summary>
public sealed class PredictionWindowReader(PortalDbContext db)
{
    public Task<int> CountAsync(int modelId, DateTime start, DateTime end, CancellationToken cancellationToken)
    {
        var (from, to) = (Ms(start), Ms(end));
        return db.PredictionEvents.CountAsync(p => p.ModelId == modelId && p.TimestampMs >= from && p.TimestampMs < to, cancellationToken);
    }

    /// <param name="rows">The window's row count (from <see cref="CountAsync"/>), to choose the sampling stride.</param>
    /// <param name="outputs">Whether to read scores (classifiers) or predicted values (regression).</param>
    public async Task<DriftSample> ReadAsync(
        int modelId, IReadOnlyList<FeatureSpec> features, DateTime start, DateTime end, int rows, int cap, bool regression, CancellationToken cancellationToken)
    {
        var stride = Stride(rows, cap);
        var (from, to) = (Ms(start), Ms(end));
        var query = db.PredictionEvents.AsNoTracking().Where(p => p.ModelId == modelId && p.TimestampMs >= from && p.TimestampMs < to);
        if (stride > 1)
        {
            query = query.Where(p => p.Id % stride == 0);
        }

        var index = features.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var columns = new ColumnBuffer[features.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = new ColumnBuffer(features[i].Type);
        }

        var outputs = new List<double>();
        var count = 0;
        await foreach (var row in query.Select(p => new { p.Features, p.Score, p.PredictionValue }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            count++;
            ParseFeatures(row.Features, index, columns);
            if ((regression ? row.PredictionValue : row.Score) is { } output)
            {
                outputs.Add(output);
            }
        }

        var labels = await LabelsAsync(modelId, from, to, stride, regression, cancellationToken);
        return new DriftSample
        {
            Rows = count,
            Features = features.Select((f, i) => (f.Name, columns[i].ToSample())).ToDictionary(x => x.Name, x => x.Item2, StringComparer.Ordinal),
            Outputs = outputs.Count > 0 ? ColumnSample.FromNumbers(outputs.ToArray()) : null,
            Labels = labels,
            Numbers = features.Select((f, i) => (f, i)).Where(x => x.f.Type == FeatureType.Numerical)
                .ToDictionary(x => x.f.Name, x => columns[x.i].Numbers, StringComparer.Ordinal),
        };
    }

    /// <summary>The outputs (scores or predicted values) of a window, without features: the prediction-drift baseline.</summary>
    public async Task<ColumnSample?> OutputsAsync(int modelId, DateTime start, DateTime end, int cap, bool regression, CancellationToken cancellationToken)
    {
        var (from, to) = (Ms(start), Ms(end));
        var query = db.PredictionEvents.AsNoTracking().Where(p => p.ModelId == modelId && p.TimestampMs >= from && p.TimestampMs < to);
        var stride = Stride(await query.CountAsync(cancellationToken), cap);
        if (stride > 1)
        {
            query = query.Where(p => p.Id % stride == 0);
        }

        var values = await (regression
            ? query.Where(p => p.PredictionValue != null).Select(p => p.PredictionValue!.Value)
            : query.Where(p => p.Score != null).Select(p => p.Score!.Value)).ToArrayAsync(cancellationToken);
        return values.Length > 0 ? ColumnSample.FromNumbers(values) : null;
    }

    /// <summary>
    /// The model's predictions with a timestamp in [start, end) joined with their labels, every k-th by prediction id when
    /// there are more than <paramref name="cap"/> (k is returned; 1 when all are read). Compose a Select on the query —
    /// the quality and fairness jobs read their labelled pairs through it.
    /// </summary>
    public static async Task<(IQueryable<LabelledEvent> Query, int Stride)> LabelledAsync(
        PortalDbContext db, int modelId, DateTime start, DateTime end, int cap, CancellationToken cancellationToken)
    {
        var (from, to) = (Ms(start), Ms(end));
        var joined = db.PredictionEvents.AsNoTracking().Where(p => p.ModelId == modelId && p.TimestampMs >= from && p.TimestampMs < to)
            .Join(db.FeedbackLabels.AsNoTracking().Where(f => f.ModelId == modelId), p => p.PredictionId, f => f.PredictionId,
                (p, f) => new LabelledEvent { Prediction = p, Label = f });
        var stride = Stride(await joined.CountAsync(cancellationToken), cap);
        return (stride > 1 ? joined.Where(x => x.Prediction.Id % stride == 0) : joined, stride);
    }

    /// <summary>The labels of a window's predictions, sampled with the same stride as its rows (the target-drift baseline too).</summary>
    public async Task<ColumnSample?> LabelsAsync(int modelId, long from, long to, int stride, bool regression, CancellationToken cancellationToken)
    {
        var predictions = db.PredictionEvents.Where(p => p.ModelId == modelId && p.TimestampMs >= from && p.TimestampMs < to);
        if (stride > 1)
        {
            predictions = predictions.Where(p => p.Id % stride == 0);
        }

        var labels = predictions.Join(db.FeedbackLabels.Where(f => f.ModelId == modelId), p => p.PredictionId, f => f.PredictionId, (p, f) => f);
        if (regression)
        {
            var values = await labels.Where(f => f.LabelValue != null).Select(f => f.LabelValue!.Value).ToArrayAsync(cancellationToken);
            return values.Length > 0 ? ColumnSample.FromNumbers(values) : null;
        }

        var classes = await labels.Select(f => f.Label).ToListAsync(cancellationToken);
        return classes.Count > 0 ? ColumnSample.FromCategories(classes) : null;
    }

    public static int Stride(int rows, int cap) => rows <= cap || cap <= 0 ? 1 : (int)Math.Ceiling((double)rows / cap);

    public static long Ms(DateTime at) => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    /// <summary>Reads one row's features object into the columns; absent features are missing.</summary>
    private static void ParseFeatures(byte[]? json, Dictionary<string, int> index, ColumnBuffer[] columns)
    {
        Span<bool> seen = columns.Length <= 256 ? stackalloc bool[columns.Length] : new bool[columns.Length];
        if (json is { Length: > 0 })
        {
            var reader = new Utf8JsonReader(json);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    if (!index.TryGetValue(name, out var i) || seen[i])
                    {
                        reader.Skip();
                        continue;
                    }

                    seen[i] = true;
                    columns[i].Add(ref reader);
                }
            }
        }

        for (var i = 0; i < columns.Length; i++)
        {
            if (!seen[i])
            {
                columns[i].AddMissing();
            }
        }
    }

    /// <summary>One column's values as they are read: numbers (NaN = missing) or categories (null = missing).</summary>
    private sealed class ColumnBuffer(FeatureType type)
    {
        private readonly List<double> numbers = [];
        private readonly List<string?> categories = [];

        /// <summary>The numbers in row order, NaN for a missing value.</summary>
        public double[] Numbers => numbers.ToArray();

        public void AddMissing()
        {
            if (type == FeatureType.Numerical)
            {
                numbers.Add(double.NaN);
            }
            else
            {
                categories.Add(null);
            }
        }

        /// <summary>The value the reader is on, read the way ingestion reads it (numbers as invariant text for categories).</summary>
        public void Add(ref Utf8JsonReader reader)
        {
            if (type == FeatureType.Numerical)
            {
                numbers.Add(reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var n) ? n : double.NaN);
                reader.Skip();
                return;
            }

            categories.Add(reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Number when reader.TryGetDouble(out var n) => n.ToString(CultureInfo.InvariantCulture),
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                _ => null,
            });
            reader.Skip();
        }

        public ColumnSample ToSample() => type == FeatureType.Numerical
            ? ColumnSample.FromNumbers(numbers.ToArray())
            : ColumnSample.FromCategories(categories);
    }
}

/// <summary>A prediction joined with its label (see <see cref="PredictionWindowReader.LabelledAsync"/>).</summary>
public sealed class LabelledEvent
{
    public PredictionEvent Prediction { get; init; } = default!;

    public FeedbackLabel Label { get; init; } = default!;
}
