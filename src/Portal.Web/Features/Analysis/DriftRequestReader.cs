using System.Globalization;
using System.Text.Json;
using Portal.Analysis.Common;
using Portal.Analysis.Drift;
using Portal.Web.Infrastructure.Validation;

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

    public static DriftRequest FromJson(DriftAnalysisRequest body)
    {
        var problems = new ValidationProblems();
        var reference = problems.Required(body.Reference, "reference");
        var current = problems.Required(body.Current, "current");
        var options = ReadOptions(body.Options, problems);
        var columns = new List<DriftColumn>();
        foreach (var (name, refValues) in reference ?? new Dictionary<string, JsonScalar[]?>())
        {
            problems.RequiredArray(refValues, $"reference.{name}");
            var curValues = current?.GetValueOrDefault(name);
            if (current is not null && curValues is null)
            {
                problems.Add($"current.{name}", "is missing: every reference column needs current values.");
            }

            problems.RequiredArray(curValues ?? [], $"current.{name}", allowEmpty: curValues is null);
            if (refValues is null || curValues is null)
            {
                continue;
            }

            var type = options.ColumnTypes.TryGetValue(name, out var given) ? given
                : AllNumbers(refValues) && AllNumbers(curValues) ? ColumnType.Numerical : ColumnType.Categorical;
            columns.Add(new DriftColumn(name, type, JsonSample(refValues, $"reference.{name}", type, problems), JsonSample(curValues, $"current.{name}", type, problems), TestsFor(name, options)));
        }

        foreach (var name in (current?.Keys ?? []).Where(name => reference?.ContainsKey(name) == false))
        {
            problems.Add($"reference.{name}", "is missing: the column is in current but not in reference.");
        }

        if (reference is not null && current is not null)
        {
            Finish(columns, options, problems);
        }

        problems.ThrowIfAny();
        return new DriftRequest(columns, new DriftOptions { Thresholds = options.Thresholds, DriftShare = options.DriftShare });
    }

    /// <summary>Two CSV tables (header row first) and options of the same shape as the JSON request.</summary>
    /// <param name="onlyColumns">When given, the columns to compare (others are skipped).</param>
    public static DriftRequest FromCsv(CsvTable reference, CsvTable current, RequestOptions options, IReadOnlyCollection<string>? onlyColumns = null)
    {
        var problems = new ValidationProblems();
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

        Finish(columns, options, problems);
        problems.ThrowIfAny();
        return new DriftRequest(columns, new DriftOptions { Thresholds = options.Thresholds, DriftShare = options.DriftShare });
    }

    /// <summary>What only the columns and options together can tell: a column at all, options naming columns, tests that fit.</summary>
    private static void Finish(List<DriftColumn> columns, RequestOptions options, ValidationProblems problems)
    {
        if (columns.Count == 0 && !problems.Paths.Any(p => p.StartsWith("reference", StringComparison.Ordinal) || p.StartsWith("current", StringComparison.Ordinal)))
        {
            problems.Add("reference", "has no columns.");
        }

        foreach (var name in options.ColumnTypes.Keys.Concat(options.Tests.Keys))
        {
            if (columns.Count > 0 && !columns.Exists(c => c.Name == name))
            {
                problems.Add(options.Tests.ContainsKey(name) ? $"tests.{name}" : $"columnTypes.{name}", "names a column that is not in the data.");
            }
        }

        foreach (var column in columns)
        {
            foreach (var test in column.Tests ?? [])
            {
                if (DriftTestIds.IsKnown(test) && !DriftTestIds.Supports(test, column.Type))
                {
                    problems.Add($"tests.{column.Name}", $"test '{test}' does not apply to a {column.Type.ToString().ToLowerInvariant()} column.");
                }
            }
        }
    }

    /// <summary>The options checked, every error added to <paramref name="problems"/>; unusable entries are left out.</summary>
    public static RequestOptions ReadOptions(DriftOptionsRequest body, ValidationProblems problems)
    {
        var types = new Dictionary<string, ColumnType>();
        foreach (var (name, text) in body.ColumnTypes ?? new Dictionary<string, string?>())
        {
            ColumnType? type = text switch
            {
                "numerical" or "num" or "numeric" => ColumnType.Numerical,
                "categorical" or "cat" => ColumnType.Categorical,
                _ => null,
            };
            if (type is { } known)
            {
                types[name] = known;
            }
            else
            {
                problems.Add($"columnTypes.{name}", text is null
                    ? "must be \"numerical\" or \"categorical\"."
                    : $"'{text}' is not a column type; use \"numerical\" or \"categorical\".");
            }
        }

        var tests = new Dictionary<string, string[]>();
        foreach (var (name, list) in body.Tests ?? new Dictionary<string, DriftTestList?>())
        {
            var ids = list?.Ids ?? [];
            if (list is null || ids.Count == 0)
            {
                problems.Add($"tests.{name}", list is null ? "must be a test id or a list of test ids." : "must not be empty.");
            }

            foreach (var id in ids.Where(id => !DriftTestIds.IsKnown(id)))
            {
                problems.Add($"tests.{name}", $"unknown test '{id}'; known tests: {string.Join(", ", DriftTestIds.All)}.");
            }

            tests[name] = [.. ids];
        }

        var thresholds = new Dictionary<string, double>();
        foreach (var (test, value) in body.Thresholds ?? new Dictionary<string, double>())
        {
            var field = $"thresholds.{test}";
            if (!DriftTestIds.IsKnown(test))
            {
                problems.Add(field, $"unknown test '{test}'; known tests: {string.Join(", ", DriftTestIds.All)}.");
            }
            else if (problems.Finite(value, field) is var checkedValue && !double.IsNaN(checkedValue))
            {
                if (checkedValue > 0)
                {
                    thresholds[test] = checkedValue;
                }
                else
                {
                    problems.Add(field, "must be greater than 0.");
                }
            }
        }

        var share = problems.Number(body.DriftShare, "driftShare", 0.5);
        if (share is <= 0 or > 1)
        {
            problems.Add("driftShare", "must be in (0, 1].");
        }

        return new RequestOptions(types, tests, thresholds, share);
    }

    private static IReadOnlyList<string>? TestsFor(string column, RequestOptions options) =>
        options.Tests.TryGetValue(column, out var ids) ? ids : null;

    private static bool AllNumbers(IEnumerable<JsonScalar> values) =>
        values.All(v => v.Kind is JsonValueKind.Number or JsonValueKind.Null);

    private static bool AllNumbers(IReadOnlyList<string?> cells)
    {
        foreach (var cell in cells)
        {
            if (!RequestValues.IsMissingText(cell) && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return false;
            }
        }

        return true;
    }

    private static ColumnSample JsonSample(JsonScalar[] values, string field, ColumnType type, ValidationProblems problems) => type == ColumnType.Numerical
        ? ColumnSample.FromNumbers(problems.Numbers(values, field, allowMissing: true))
        : ColumnSample.FromCategories(problems.Strings(values, field, allowMissing: true));

    /// <summary>The type a CSV column is read as when the request does not say: numerical when every present cell is a number.</summary>
    public static ColumnType InferType(IReadOnlyList<string?> cells) => AllNumbers(cells) ? ColumnType.Numerical : ColumnType.Categorical;

    private static ColumnSample CsvSample(IReadOnlyList<string?> cells, string field, ColumnType type)
    {
        if (type == ColumnType.Categorical)
        {
            return ColumnSample.FromCategories(cells.Select(c => RequestValues.IsMissingText(c) ? null : c).ToArray());
        }

        var values = new double[cells.Count];
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            values[i] = RequestValues.IsMissingText(cell) ? double.NaN
                : double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
                : throw new AnalysisInputException($"{field}[{i}]", $"'{cell}' is not a number.");
        }

        return ColumnSample.FromNumbers(values);
    }
}
