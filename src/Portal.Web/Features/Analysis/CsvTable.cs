using System.Globalization;
using CsvHelper;
using System.Text;
using CsvHelper.Configuration;
using Portal.Analysis.Common;
using Portal.Web.Infrastructure;

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
        using var strict = new StrictCsv(stream, field);
        var csv = strict.Reader;
        if (!await strict.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
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
        while (await strict.ReadAsync())
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

/// <summary>
/// The one way uploads read CSV: the delimiter is detected and cells trimmed, but a stray or unterminated quote and
/// bytes that are not UTF-8 are refused naming the row and line, instead of silently merging the rest of the file
/// into one cell (which would lose rows). Cells must not contain NUL (see <see cref="JsonText"/>).
/// </summary>
public sealed class StrictCsv : IDisposable
{
    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        DetectDelimiter = true,
        TrimOptions = TrimOptions.Trim,
        BadDataFound = args => throw new BadDataException(args.Field, args.RawRecord, args.Context, "stray quote"),
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string field;
    private int linesBefore;

    /// <param name="field">Names the upload in errors (e.g. <c>reference</c>).</param>
    public StrictCsv(Stream stream, string field)
    {
        this.field = field;
        Reader = new CsvReader(new StreamReader(stream, StrictUtf8), Configuration);
    }

    public CsvReader Reader { get; }

    /// <summary>Reads the next record (the header first).</summary>
    public async Task<bool> ReadAsync()
    {
        bool read;
        try
        {
            read = await Reader.ReadAsync();
        }
        catch (BadDataException)
        {
            throw Bad("has a quote inside an unquoted cell; quote the cell and double the quote (\"\").");
        }
        catch (DecoderFallbackException)
        {
            throw Bad(JsonText.InvalidUtf8);
        }

        if (!read)
        {
            return false;
        }

        var raw = Reader.Parser.RawRecord ?? "";

        // Quotes come in pairs in a well-formed record ("" escapes one); an odd count is a quote never closed,
        // which CsvHelper would read to the end of the file as one cell.
        if (raw.Count(c => c == '"') % 2 != 0)
        {
            throw Bad("has a quoted cell that is never closed.");
        }

        for (var i = 0; i < Reader.Parser.Count; i++)
        {
            if (Reader.Parser[i] is { } cell && JsonText.Check(cell) is { } reason)
            {
                throw Bad(reason);
            }
        }

        linesBefore += raw.Count(c => c == '\n');
        return true;
    }

    private AnalysisInputException Bad(string reason) =>
        new($"{field}[row {Reader.Parser.Row}]", $"(line {linesBefore + 1}) {reason}");

    public void Dispose() => Reader.Dispose();
}
