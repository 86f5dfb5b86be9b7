using Portal.Analysis.Common;

namespace Portal.Analysis.Drift;

/// <summary>Runs the drift tests of STATISTICS.md column by column and decides dataset drift.</summary>
public static class DriftAnalyzer
{
    private const int ManyValuesThreshold = 5;
    private const int SmallReferenceSize = 1000;

    /// <summary>Reference values per category from which the automatic choice trusts jensenshannon ≥ 0.1.</summary>
    private const int JensenShannonValuesPerCategory = 40;

    /// <summary>
    /// Compares every column's current sample with its reference. Columns run in parallel; the input is only
    /// read. Each column gets the tests it lists (or the automatic choice); the first one decides its verdict.
    /// </summary>
    /// <param name="columns">The columns; names must be unique.</param>
    /// <param name="options">Threshold overrides by test id and the dataset drift share; null for the defaults.</param>
    /// <returns>
    /// One result per column in input order. A column with an empty reference or current sample gets no verdict
    /// (Score null, Drifted false, Message says why). <see cref="DriftReport.DriftShare"/> echoes the share
    /// used; dataset drift means drifted columns / columns ≥ that share (never with no columns).
    /// </returns>
    /// <exception cref="AnalysisInputException">
    /// Unknown test id or one that does not apply to the column type (field <c>tests.{column}</c>), a sample of the
    /// wrong type (<c>reference.{column}</c> / <c>current.{column}</c>), a duplicate column (<c>columns.{column}</c>),
    /// a bad threshold (<c>thresholds.{test}</c>) or drift share (<c>driftShare</c>).
    /// </exception>
    public static DriftReport Analyze(IReadOnlyList<DriftColumn> columns, DriftOptions? options = null)
    {
        if (columns is null)
        {
            throw new AnalysisInputException("columns", "No columns were given.");
        }

        options ??= new DriftOptions();
        ValidateOptions(options);
        var testsPerColumn = ValidateColumns(columns);

        var results = new DriftColumnResult[columns.Count];
        Parallel.For(0, columns.Count, i => results[i] = AnalyzeColumn(columns[i], testsPerColumn[i], options));

        var drifted = 0;
        foreach (var result in results)
        {
            if (result.Drifted)
            {
                drifted++;
            }
        }

        var datasetDrift = columns.Count > 0 && (double)drifted / columns.Count >= options.DriftShare;
        return new DriftReport(datasetDrift, options.DriftShare, columns.Count, drifted, results);
    }

    /// <summary>
    /// The automatic test (STATISTICS.md): with n non-missing reference values and k distinct values in reference ∪
    /// current, n ≤ 1000: ks for numbers with k &gt; 5, else chi2_contingency when k &gt; 2, else z; n &gt; 1000:
    /// wasserstein for numbers with k &gt; 5, else jensenshannon when n ≥ 40·(k − 1), else the n ≤ 1000 choice.
    /// The n ≥ 40·(k − 1) condition departs from STATISTICS.md: without it jensenshannon flags 83 % of healthy
    /// windows with 50 categories at n = 1001 (docs/statistics.md). Evidently picks chisquare where this picks
    /// chi2_contingency; chisquare treats the reference shares as exact and alarms on about 30 % of healthy windows.
    /// </summary>
    public static string AutomaticTest(ColumnSample reference, ColumnSample current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        return AutomaticTest(new ColumnPair(reference, current));
    }

    private static string AutomaticTest(ColumnPair pair)
    {
        var distinct = pair.IsNumerical
            ? ValueCounts.DistinctCountUpTo(pair.Reference.SortedNumbers, pair.Current.SortedNumbers, ManyValuesThreshold + 1)
            : pair.Counts.Count;
        var manyNumbers = pair.IsNumerical && distinct > ManyValuesThreshold;
        var n = pair.Reference.Count;
        if (n > SmallReferenceSize && manyNumbers)
        {
            return DriftTestIds.Wasserstein;
        }

        // jensenshannon ≥ 0.1 only once its healthy value, about √((k − 1) / (4n)), is well below 0.1: at
        // n = 40·(k − 1) it is 0.079 and flags about 1 % of healthy windows; below, the p-value tests keep α.
        if (n > SmallReferenceSize && n >= JensenShannonValuesPerCategory * (distinct - 1))
        {
            return DriftTestIds.JensenShannon;
        }

        return manyNumbers ? DriftTestIds.Ks : distinct > 2 ? DriftTestIds.Chi2Contingency : DriftTestIds.Z;
    }

    private static void ValidateOptions(DriftOptions options)
    {
        if (!(options.DriftShare >= 0 && options.DriftShare <= 1))
        {
            throw new AnalysisInputException("driftShare", "The drift share must be between 0 and 1.");
        }

        if (options.Thresholds is null)
        {
            throw new AnalysisInputException("thresholds", "Thresholds must be a map from test id to number.");
        }

        foreach (var (id, threshold) in options.Thresholds)
        {
            if (!DriftTestIds.IsKnown(id))
            {
                throw new AnalysisInputException($"thresholds.{id}", $"Unknown drift test '{id}'. Known: {string.Join(", ", DriftTestIds.All)}.");
            }

            if (!double.IsFinite(threshold) || threshold < 0)
            {
                throw new AnalysisInputException($"thresholds.{id}", "A threshold must be a finite number ≥ 0.");
            }
        }
    }

    /// <summary>Checks every column before any work starts; returns the explicit tests per column (null = automatic).</summary>
    private static IReadOnlyList<string>?[] ValidateColumns(IReadOnlyList<DriftColumn> columns)
    {
        var tests = new IReadOnlyList<string>?[columns.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i] ?? throw new AnalysisInputException("columns", "A column is missing.");
            if (!names.Add(column.Name))
            {
                throw new AnalysisInputException($"columns.{column.Name}", $"Column '{column.Name}' is given twice.");
            }

            CheckSample(column, column.Reference, "reference");
            CheckSample(column, column.Current, "current");
            tests[i] = ValidateTests(column);
        }

        return tests;
    }

    private static void CheckSample(DriftColumn column, ColumnSample? sample, string dataset)
    {
        if (sample is null || sample.Type != column.Type)
        {
            var type = column.Type == ColumnType.Numerical ? "numerical" : "categorical";
            throw new AnalysisInputException($"{dataset}.{column.Name}", $"The {dataset} sample of '{column.Name}' must be {type}.");
        }
    }

    private static IReadOnlyList<string>? ValidateTests(DriftColumn column)
    {
        if (column.Tests is null || column.Tests.Count == 0)
        {
            return null;
        }

        var distinct = new List<string>();
        foreach (var id in column.Tests)
        {
            var field = $"tests.{column.Name}";
            if (id is null || !DriftTestIds.IsKnown(id))
            {
                throw new AnalysisInputException(field, $"Unknown drift test '{id}'. Known: {string.Join(", ", DriftTestIds.All)}.");
            }

            if (!DriftTestIds.Supports(id, column.Type))
            {
                throw new AnalysisInputException(field, $"Drift test '{id}' does not apply to the categorical column '{column.Name}'.");
            }

            if (!distinct.Contains(id))
            {
                distinct.Add(id);
            }
        }

        return distinct;
    }

    private static DriftColumnResult AnalyzeColumn(DriftColumn column, IReadOnlyList<string>? explicitTests, DriftOptions options)
    {
        var reference = column.Reference;
        var current = column.Current;
        var referenceCounts = new SampleCounts(reference.Count, reference.Missing);
        var currentCounts = new SampleCounts(current.Count, current.Missing);
        var pair = new ColumnPair(reference, current);
        var tests = explicitTests ?? [AutomaticTest(pair)];
        var verdictTest = tests[0];
        var threshold = options.Thresholds.TryGetValue(verdictTest, out var custom) ? custom : DriftTestIds.DefaultThreshold(verdictTest);
        var results = new Dictionary<string, IReadOnlyDictionary<string, double>>();

        var emptyMessage = (reference.Count, current.Count) switch
        {
            (0, 0) => "not enough data: reference and current have no values",
            (0, _) => "not enough data: reference has no values",
            (_, 0) => "not enough data: current has no values",
            _ => null,
        };
        if (emptyMessage is not null)
        {
            return new DriftColumnResult(column.Name, column.Type, verdictTest, null, threshold, false, results, referenceCounts, currentCounts, emptyMessage);
        }

        var notes = new List<string>();
        double? score = null;
        foreach (var id in tests)
        {
            var outcome = DriftTestRunner.Run(id, pair);
            if (outcome.Fields.Count > 0)
            {
                results[id] = outcome.Fields;
            }

            if (outcome.Note is not null)
            {
                notes.Add(outcome.Note);
            }

            if (id == verdictTest)
            {
                score = outcome.Score;
            }
        }

        var drifted = score is { } value && DriftTestIds.IsDrift(verdictTest, value, threshold);
        var message = notes.Count > 0 ? string.Join("; ", notes) : null;
        return new DriftColumnResult(column.Name, column.Type, verdictTest, score, threshold, drifted, results, referenceCounts, currentCounts, message);
    }
}
