namespace Portal.Analysis.Drift;

/// <summary>One column to compare. <paramref name="Tests"/> null or empty means the automatic choice.</summary>
public sealed record DriftColumn(
    string Name,
    ColumnType Type,
    ColumnSample Reference,
    ColumnSample Current,
    IReadOnlyList<string>? Tests = null);

public sealed record DriftOptions
{
    /// <summary>Threshold overrides by test id (e.g. <c>ks → 0.01</c>); others use the documented defaults.</summary>
    public IReadOnlyDictionary<string, double> Thresholds { get; init; } = new Dictionary<string, double>();

    /// <summary>Dataset drift when drifted columns / columns ≥ this share.</summary>
    public double DriftShare { get; init; } = 0.5;
}

/// <summary>Values used (<paramref name="Count"/>) and dropped as missing (null, NaN, ±Infinity).</summary>
public sealed record SampleCounts(int Count, int Missing);

/// <summary>
/// The verdict for one column. <see cref="Test"/>, <see cref="Score"/>, <see cref="Threshold"/> and
/// <see cref="Drifted"/> come from the first test asked for (or the automatic one); <see cref="Results"/>
/// holds every test's result fields (e.g. <c>ks → {statistic, pValue, pValueAsymptotic}</c>).
/// When no verdict is possible (empty sample), <see cref="Score"/> is null, <see cref="Drifted"/> false and
/// <see cref="Message"/> says why.
/// </summary>
public sealed record DriftColumnResult(
    string Column,
    ColumnType Type,
    string Test,
    double? Score,
    double Threshold,
    bool Drifted,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Results,
    SampleCounts Reference,
    SampleCounts Current,
    string? Message = null);

/// <summary>
/// The drift of a dataset: <see cref="DatasetDrift"/> when <see cref="DriftedColumns"/> / <see cref="Columns"/>
/// ≥ <see cref="DriftShare"/>, the share that was asked for (echoed, default 0.5); never with no columns.
/// </summary>
public sealed record DriftReport(
    bool DatasetDrift,
    double DriftShare,
    int Columns,
    int DriftedColumns,
    IReadOnlyList<DriftColumnResult> ColumnResults);
