namespace Portal.Data.Entities;

public enum ReferenceStatus
{
    /// <summary>Chunks are still being written; readers ignore it. Left behind only by a crash during upload.</summary>
    Uploading,
    Ready,
}

/// <summary>
/// A versioned reference (training) dataset of a model, stored column-wise: each column is split into
/// <see cref="ReferenceChunk"/>s so an upload of a million rows is streamed, never held whole in memory.
/// </summary>
public sealed class ReferenceDataset
{
    public long Id { get; set; }

    public int ModelId { get; set; }

    /// <summary>1, 2, 3… per model; the highest ready version is the current reference.</summary>
    public int Version { get; set; }

    public ReferenceStatus Status { get; set; }

    public long RowCount { get; set; }

    /// <summary><c>csv</c> or <c>json</c>.</summary>
    public required string Format { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public List<ReferenceColumn> Columns { get; set; } = [];
}

/// <summary>One column of a reference dataset with its summary and a sketch in the rollup format (for drift on rollups).</summary>
public sealed class ReferenceColumn
{
    public long Id { get; set; }

    public long DatasetId { get; set; }

    public required string Name { get; set; }

    public FeatureType Type { get; set; }

    /// <summary>Position in the upload.</summary>
    public int Ordinal { get; set; }

    public long Count { get; set; }

    public long Missing { get; set; }

    public double? Min { get; set; }

    public double? Max { get; set; }

    public double? Mean { get; set; }

    /// <summary>Numerical: log-bucket histogram; categorical: category counts (see Portal.Data.Rollups).</summary>
    public string? Sketch { get; set; }
}

/// <summary>
/// Up to <see cref="RowsPerChunk"/> consecutive values of one reference column. Numerical values are
/// little-endian float64 (NaN = missing); categorical values are a JSON array of strings (null = missing).
/// </summary>
public sealed class ReferenceChunk
{
    public const int RowsPerChunk = 65_536;

    public long Id { get; set; }

    public long ColumnId { get; set; }

    public int ChunkIndex { get; set; }

    public int RowCount { get; set; }

    public required byte[] Data { get; set; }
}
