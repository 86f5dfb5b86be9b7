using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Portal.Analysis.Common;

namespace Portal.Web.Features.Analysis;

/// <summary>A CSV file read column-wise: a header row, then one row per record; empty cells are missing values.</summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, List<string?>> columns;

    private CsvTable(IReadOnlyList<string> names, Dictionary<string, List<string?>> columns)
    {
        Columns = names;
        this.columns = columns;
    }

    public IReadOnlyList<string> Columns { get; }

    public int Rows => Columns.Count == 0 ? 0 : columns[Columns[0]].Count;

    public IReadOnlyList<string?> Column(string name) => columns[name];

    public bool TryGetColumn(string name, out IReadOnlyList<string?> cells)
    {
        var found = columns.TryGetValue(name, out var list);
        cells = list ?? [];
        return found;
    }

    /// <param name="field">Names the upload in errors (e.g. <c>reference</c>).</param>
    public static async Task<CsvTable> ReadAsync(Stream stream, string field, CancellationToken cancellationToken)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { DetectDelimiter = true, TrimOptions = TrimOptions.Trim, BadDataFound = null };
        using var reader = new StreamReader(stream);
        using var csv = new CsvReader(reader, config);
        if (!await csv.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
        {
            throw new AnalysisInputException(field, "is empty: a header row with column names is required.");
        }

        var names = new List<string>();
        var columns = new Dictionary<string, List<string?>>();
        foreach (var name in header)
        {
            if (string.IsNullOrWhiteSpace(name) || !columns.TryAdd(name, []))
            {
                throw new AnalysisInputException(field, $"header column '{name}' is empty or repeated.");
            }

            names.Add(name);
        }

        var row = 1;
        while (await csv.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            row++;
            if (csv.Parser.Count != names.Count)
            {
                throw new AnalysisInputException($"{field}[row {row}]", $"has {csv.Parser.Count} cells; the header has {names.Count}.");
            }

            for (var i = 0; i < names.Count; i++)
            {
                columns[names[i]].Add(csv.GetField(i));
            }
        }

        if (row == 1)
        {
            throw new AnalysisInputException(field, "has a header but no rows.");
        }

        return new CsvTable(names, columns);
    }
}
