using System.Globalization;
using System.Text.Json;
using Portal.Analysis.Common;
using Portal.Analysis.Drift;

namespace Portal.Web.Features.Analysis;

/// <summary>
/// Turns the drift request of API.md (JSON columns, or two CSV files plus the same options) into
/// the columns and options of <see cref="DriftAnalyzer"/>, naming the field of any bad input.
/// </summary>
public static class DriftRequestReader
{
    public sealed record DriftRequest(IReadOnlyList<DriftColumn> Columns, DriftOptions Options);

    /// <summary>Options shared by the JSON and CSV forms and the ad-hoc report page: columnTypes, tests, thresholds, driftShare.</summary>
    public sealed record RequestOptions(
        IReadOnlyDictionary<string, ColumnType> ColumnTypes,
        IReadOnlyDictionary<string, string[]> Tests,
        IReadOnlyDictionary<string, double> Thresholds,
        double DriftShare)
    {
        public static readonly RequestOptions Default = new(new Dictionary<string, ColumnType>(), new Dictionary<string, string[]>(), new Dictionary<string, double>(), 0.5);
    }

    public static DriftRequest FromJson(JsonElement body)
    {
        var reference = JsonInput.RequireObject(body, "reference");
        var current = JsonInput.RequireObject(body, "current");
        var options = ReadOptions(body);
        var columns = new List<DriftColumn>();
        foreach (var column in reference.EnumerateObject())
        {
            var name = column.Name;
            var refValues = JsonInput.CheckArray(column.Value, $"reference.{name}");
            if (!current.TryGetProperty(name, out var curValues) || curValues.ValueKind == JsonValueKind.Null)
            {
                throw new AnalysisInputException($"current.{name}", "is missing: every reference column needs current values.");
            }

            JsonInput.CheckArray(curValues, $"current.{name}");
            var type = options.ColumnTypes.TryGetValue(name, out var given) ? given
                : AllNumbers(refValues) && AllNumbers(curValues) ? ColumnType.Numerical : ColumnType.Categorical;
            columns.Add(new DriftColumn(name, type, JsonSample(refValues, $"reference.{name}", type), JsonSample(curValues, $"current.{name}", type), TestsFor(name, options)));
        }

        foreach (var column in current.EnumerateObject())
        {
            if (!reference.TryGetProperty(column.Name, out _))
            {
                throw new AnalysisInputException($"reference.{column.Name}", "is missing: the column is in current but not in reference.");
            }
        }

        return Finish(columns, options);
    }

    /// <summary>Two CSV tables (header row first) and options of the same shape as the JSON request.</summary>
    /// <param name="onlyColumns">When given, the columns to compare (others are skipped).</param>
    public static DriftRequest FromCsv(CsvTable reference, CsvTable current, RequestOptions options, IReadOnlyCollection<string>? onlyColumns = null)
    {
        var columns = new List<DriftColumn>();
        foreach (var name in reference.Columns)
        {
            if (onlyColumns is not null && !onlyColumns.Contains(name))
            {
                continue;
            }

            if (!current.TryGetColumn(name, out var curCells))
            {
                throw new AnalysisInputException($"current.{name}", "is missing: the current file has no column of that name.");
            }

            var refCells = reference.Column(name);
            var type = options.ColumnTypes.TryGetValue(name, out var given) ? given
                : InferType(refCells) == ColumnType.Numerical && InferType(curCells) == ColumnType.Numerical ? ColumnType.Numerical : ColumnType.Categorical;
            columns.Add(new DriftColumn(name, type, CsvSample(refCells, $"reference.{name}", type), CsvSample(curCells, $"current.{name}", type), TestsFor(name, options)));
        }

        return Finish(columns, options);
    }

    private static DriftRequest Finish(List<DriftColumn> columns, RequestOptions options)
    {
        if (columns.Count == 0)
        {
            throw new AnalysisInputException("reference", "has no columns.");
        }

        foreach (var name in options.ColumnTypes.Keys.Concat(options.Tests.Keys))
        {
            if (!columns.Exists(c => c.Name == name))
            {
                throw new AnalysisInputException(options.Tests.ContainsKey(name) ? $"tests.{name}" : $"columnTypes.{name}", "names a column that is not in the data.");
            }
        }

        foreach (var column in columns)
        {
            foreach (var test in column.Tests ?? [])
            {
                if (!DriftTestIds.Supports(test, column.Type))
                {
                    throw new AnalysisInputException($"tests.{column.Name}", $"test '{test}' does not apply to a {column.Type.ToString().ToLowerInvariant()} column.");
                }
            }
        }

        return new DriftRequest(columns, new DriftOptions { Thresholds = options.Thresholds, DriftShare = options.DriftShare });
    }

    public static RequestOptions ReadOptions(JsonElement body)
    {
        var types = new Dictionary<string, ColumnType>();
        if (JsonInput.OptionalObject(body, "columnTypes") is { } typesJson)
        {
            foreach (var p in typesJson.EnumerateObject())
            {
                types[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() switch
                {
                    "numerical" or "num" or "numeric" => ColumnType.Numerical,
                    "categorical" or "cat" => ColumnType.Categorical,
                    _ => throw new AnalysisInputException($"columnTypes.{p.Name}", $"'{p.Value.GetString()}' is not a column type; use \"numerical\" or \"categorical\"."),
                }
                : throw new AnalysisInputException($"columnTypes.{p.Name}", "must be \"numerical\" or \"categorical\".");
            }
        }

        var tests = new Dictionary<string, string[]>();
        if (JsonInput.OptionalObject(body, "tests") is { } testsJson)
        {
            foreach (var p in testsJson.EnumerateObject())
            {
                var ids = p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!]
                    : JsonInput.Strings(JsonInput.CheckArray(p.Value, $"tests.{p.Name}"), $"tests.{p.Name}").Select(s => s!).ToArray();
                foreach (var id in ids)
                {
                    if (!DriftTestIds.IsKnown(id))
                    {
                        throw new AnalysisInputException($"tests.{p.Name}", $"unknown test '{id}'; known tests: {string.Join(", ", DriftTestIds.All)}.");
                    }
                }

                tests[p.Name] = ids;
            }
        }

        var thresholds = new Dictionary<string, double>();
        if (JsonInput.OptionalObject(body, "thresholds") is { } thresholdsJson)
        {
            foreach (var p in thresholdsJson.EnumerateObject())
            {
                if (!DriftTestIds.IsKnown(p.Name))
                {
                    throw new AnalysisInputException($"thresholds.{p.Name}", $"unknown test '{p.Name}'; known tests: {string.Join(", ", DriftTestIds.All)}.");
                }

                var value = JsonInput.Number(thresholdsJson, p.Name);
                thresholds[p.Name] = value > 0 ? value : throw new AnalysisInputException($"thresholds.{p.Name}", "must be greater than 0.");
            }
        }

        var share = JsonInput.Number(body, "driftShare", 0.5);
        if (share is <= 0 or > 1)
        {
            throw new AnalysisInputException("driftShare", "must be in (0, 1].");
        }

        return new RequestOptions(types, tests, thresholds, share);
    }

    private static IReadOnlyList<string>? TestsFor(string column, RequestOptions options) =>
        options.Tests.TryGetValue(column, out var ids) ? ids : null;

    private static bool AllNumbers(JsonElement array)
    {
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind is not (JsonValueKind.Number or JsonValueKind.Null))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllNumbers(IReadOnlyList<string?> cells)
    {
        foreach (var cell in cells)
        {
            if (!JsonInput.IsMissingText(cell) && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static ColumnSample JsonSample(JsonElement array, string field, ColumnType type) => type == ColumnType.Numerical
        ? ColumnSample.FromNumbers(JsonInput.Numbers(array, field, allowMissing: true))
        : ColumnSample.FromCategories(JsonInput.Strings(array, field, allowMissing: true));

    /// <summary>The type a CSV column is read as when the request does not say: numerical when every present cell is a number.</summary>
    public static ColumnType InferType(IReadOnlyList<string?> cells) => AllNumbers(cells) ? ColumnType.Numerical : ColumnType.Categorical;

    private static ColumnSample CsvSample(IReadOnlyList<string?> cells, string field, ColumnType type)
    {
        if (type == ColumnType.Categorical)
        {
            return ColumnSample.FromCategories(cells.Select(c => JsonInput.IsMissingText(c) ? null : c).ToArray());
        }

        var values = new double[cells.Count];
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            values[i] = JsonInput.IsMissingText(cell) ? double.NaN
                : double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
                : throw new AnalysisInputException($"{field}[{i}]", $"'{cell}' is not a number.");
        }

        return ColumnSample.FromNumbers(values);
    }
}
