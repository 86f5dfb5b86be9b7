using System.Globalization;
using System.Text;
using Portal.Analysis.Drift;

namespace Portal.Analysis.Tests.Drift.FalseAlarms;

/// <summary>One healthy column: reference and current are drawn independently from the same distribution.</summary>
public sealed record HealthyCase(string Name, ColumnType Type, Func<Random, int, ColumnSample> Draw);

/// <summary>Share of healthy windows flagged as drift by each test, and by the automatic choice.</summary>
/// <param name="Flagged">Windows flagged per test id (every test that applies to the column type).</param>
/// <param name="Automatic">Windows per automatically chosen test id, and how many of those it flagged.</param>
public sealed record FalseAlarmRates(
    HealthyCase Case,
    int Size,
    int Windows,
    int Seed,
    IReadOnlyDictionary<string, int> Flagged,
    IReadOnlyDictionary<string, (int Windows, int Flagged)> Automatic)
{
    public double Rate(string test) => (double)Flagged[test] / Windows;

    /// <summary>Share of windows the automatic choice flagged, whichever test it picked.</summary>
    public double AutomaticRate => (double)Automatic.Values.Sum(a => a.Flagged) / Windows;

    /// <summary>The automatic test(s) picked, e.g. "ks" or "jensenshannon" (several when k varies between windows).</summary>
    public string AutomaticTests => string.Join("/", Automatic.Keys.Order(StringComparer.Ordinal));
}

/// <summary>
/// The false-alarm simulation of docs/statistics.md, shared by the unit tests and the <c>drift-false-alarms</c>
/// benchmark: for a fixed seed, draws healthy (no-drift) reference/current pairs of n values per side and counts how
/// often each test of STATISTICS.md, at its default threshold, calls drift. Window w uses its own
/// <see cref="Random"/> seeded from (seed, case, n, w), so results do not depend on how windows are scheduled.
/// </summary>
public static class HealthyDrift
{
    public const double Alpha = 0.05;

    public static readonly IReadOnlyList<HealthyCase> Numerical =
    [
        new("normal", ColumnType.Numerical, (random, n) => Numbers(n, () => Normal(random))),
        new("log-normal", ColumnType.Numerical, (random, n) => Numbers(n, () => Math.Exp(Normal(random)))),
        // Rounded to whole numbers: about 20 distinct values, heavy ties (still "many values" for the automatic choice).
        new("rounded normal (ties)", ColumnType.Numerical, (random, n) => Numbers(n, () => Math.Round(3 * Normal(random)))),
    ];

    public static readonly IReadOnlyList<HealthyCase> Categorical =
    [
        Uniform(2),
        Uniform(5),
        Uniform(50),
        // Shares 1/2, 1/4, …, 1/128, 1/128: rare categories are often missing from a small reference.
        new("8 categories, skewed", ColumnType.Categorical, (random, n) => Categories(n, () => Skewed(random, 8))),
    ];

    public static IEnumerable<HealthyCase> All => Numerical.Concat(Categorical);

    /// <summary>The tests of STATISTICS.md that apply to a column of this type.</summary>
    public static IReadOnlyList<string> TestsFor(ColumnType type) => [.. DriftTestIds.All.Where(t => DriftTestIds.Supports(t, type))];

    public static FalseAlarmRates Measure(HealthyCase healthy, int size, int windows, int seed)
    {
        var tests = TestsFor(healthy.Type);
        var flagged = new int[windows, tests.Count];
        var automatic = new string[windows];
        var automaticFlagged = new bool[windows];
        var caseSeed = StableHash(healthy.Name);
        Parallel.For(0, windows, w =>
        {
            var random = new Random(Mix(seed, caseSeed, size, w));
            var reference = healthy.Draw(random, size);
            var current = healthy.Draw(random, size);
            var column = new DriftColumn("x", healthy.Type, reference, current, tests);
            var result = DriftAnalyzer.Analyze([column]).ColumnResults[0];
            for (var t = 0; t < tests.Count; t++)
            {
                flagged[w, t] = IsFlagged(result, tests[t]) ? 1 : 0;
            }

            automatic[w] = DriftAnalyzer.AutomaticTest(reference, current);
            automaticFlagged[w] = IsFlagged(result, automatic[w]);
        });

        var perTest = new Dictionary<string, int>();
        for (var t = 0; t < tests.Count; t++)
        {
            perTest[tests[t]] = Enumerable.Range(0, windows).Sum(w => flagged[w, t]);
        }

        var perAutomatic = Enumerable.Range(0, windows)
            .GroupBy(w => automatic[w])
            .ToDictionary(g => g.Key, g => (g.Count(), g.Count(w => automaticFlagged[w])));
        return new FalseAlarmRates(healthy, size, windows, seed, perTest, perAutomatic);
    }

    /// <summary>Two standard errors of a share measured over <paramref name="windows"/> windows when the true rate is α.</summary>
    public static double TwoStandardErrors(int windows) => 2 * Math.Sqrt(Alpha * (1 - Alpha) / windows);

    /// <summary>A Markdown table: one row per case and size, one column per test (rates in %), then the automatic choice.</summary>
    public static string Table(IReadOnlyList<FalseAlarmRates> rows)
    {
        var tests = DriftTestIds.All;
        var text = new StringBuilder();
        text.Append("| column | n | windows | ").AppendJoin(" | ", tests).AppendLine(" | automatic |");
        text.Append("|---|---|---|").Append(string.Concat(tests.Select(_ => "---|"))).AppendLine("---|");
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {row.Case.Name} | {row.Size} | {row.Windows} | ");
            text.AppendJoin(" | ", tests.Select(t => row.Flagged.ContainsKey(t) ? Percent(row.Rate(t)) : "–"));
            text.AppendLine(CultureInfo.InvariantCulture, $" | {row.AutomaticTests} {Percent(row.AutomaticRate)} |");
        }

        return text.ToString();
    }

    private static bool IsFlagged(DriftColumnResult result, string test) =>
        result.Results.TryGetValue(test, out var fields)
        && fields.TryGetValue(DriftTestIds.ScoreField(test), out var score)
        && DriftTestIds.IsDrift(test, score, DriftTestIds.DefaultThreshold(test));

    private static string Percent(double share) => (100 * share).ToString("0.0", CultureInfo.InvariantCulture);

    private static HealthyCase Uniform(int categories) =>
        new($"{categories} categories, uniform", ColumnType.Categorical, (random, n) => Categories(n, () => random.Next(categories)));

    private static int Skewed(Random random, int categories)
    {
        var category = 0;
        while (category < categories - 1 && random.NextDouble() < 0.5)
        {
            category++;
        }

        return category;
    }

    private static ColumnSample Numbers(int n, Func<double> draw)
    {
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = draw();
        }

        return ColumnSample.FromNumbers(values);
    }

    private static ColumnSample Categories(int n, Func<int> draw)
    {
        var values = new string?[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = "c" + draw().ToString("D2", CultureInfo.InvariantCulture);
        }

        return ColumnSample.FromCategories(values);
    }

    /// <summary>Standard normal by Box–Muller (one of the pair; simple and deterministic for a seeded Random).</summary>
    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>
    /// A seed from the parts that is the same in every process (HashCode.Combine is randomised per process), spread
    /// by SplitMix64's finaliser: the seeded Random's first draws are correlated for neighbouring seeds.
    /// </summary>
    private static int Mix(params int[] parts)
    {
        var z = parts.Aggregate(17UL, (hash, part) => unchecked((hash * 1_000_003) + (uint)part));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    /// <summary>A hash of the case name that is the same in every process (string.GetHashCode is randomised).</summary>
    private static int StableHash(string text) => text.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));
}
