using System.Text.Json.Nodes;
using Portal.Analysis.Drift;
using Portal.Analysis.Tests.Reference;

namespace Portal.Analysis.Tests.Drift;

/// <summary>Every field of every public drift case of the vendored Reference/statistics.json.</summary>
public class ReferenceCaseTests
{
    public static TheoryData<string> NumericalCases => ReferenceCases.Ids("numerical");

    public static TheoryData<string> CategoricalCases => ReferenceCases.Ids("categorical");

    public static TheoryData<string> AutomaticCases => ReferenceCases.Ids("auto");

    [Theory]
    [MemberData(nameof(NumericalCases))]
    public void Numerical_case_matches_every_expected_field(string id)
    {
        var c = ReferenceCases.ById(id);
        var expected = c["expected"]!.AsObject();
        var tests = expected.Select(t => t.Key).Where(t => t != "quantiles").ToList();
        var reference = ReferenceCases.Numbers(c["reference"]);
        var current = ReferenceCases.Numbers(c["current"]);

        var result = AnalyzeOne(new DriftColumn(id, ColumnType.Numerical, ColumnSample.FromNumbers(reference), ColumnSample.FromNumbers(current), tests));

        Assert.Equal(reference.Length, result.Reference.Count + result.Reference.Missing);
        Assert.Equal(reference.Count(double.IsNaN), result.Reference.Missing);
        Assert.Equal(current.Count(double.IsNaN), result.Current.Missing);
        AssertFields(id, expected, tests, result);
    }

    [Theory]
    [MemberData(nameof(CategoricalCases))]
    public void Categorical_case_matches_every_expected_field(string id)
    {
        var c = ReferenceCases.ById(id);
        var expected = c["expected"]!.AsObject();
        var tests = expected.Select(t => t.Key).ToList();

        var result = AnalyzeOne(new DriftColumn(
            id,
            ColumnType.Categorical,
            ColumnSample.FromCategories(ReferenceCases.Strings(c["reference"])),
            ColumnSample.FromCategories(ReferenceCases.Strings(c["current"])),
            tests));

        AssertFields(id, expected, tests, result);
    }

    [Theory]
    [MemberData(nameof(AutomaticCases))]
    public void Automatic_case_picks_the_expected_test_and_verdict(string id)
    {
        var c = ReferenceCases.ById(id);
        var expected = c["expected"]!.AsObject();
        var column = (string)c["columnType"]! == "numerical"
            ? new DriftColumn(id, ColumnType.Numerical, ColumnSample.FromNumbers(ReferenceCases.Numbers(c["reference"])), ColumnSample.FromNumbers(ReferenceCases.Numbers(c["current"])))
            : new DriftColumn(id, ColumnType.Categorical, ColumnSample.FromCategories(ReferenceCases.Strings(c["reference"])), ColumnSample.FromCategories(ReferenceCases.Strings(c["current"])));

        var result = AnalyzeOne(column);

        Assert.Equal((string)expected["test"]!, result.Test);
        Assert.NotNull(result.Score);
        ReferenceCases.AssertClose(expected["score"]!.GetValue<double>(), result.Score.Value, $"{id} score");
        ReferenceCases.AssertClose(expected["threshold"]!.GetValue<double>(), result.Threshold, $"{id} threshold");
        Assert.Equal(expected["drifted"]!.GetValue<bool>(), result.Drifted);
        Assert.Equal([result.Test], result.Results.Keys);
    }

    private static DriftColumnResult AnalyzeOne(DriftColumn column) => Assert.Single(DriftAnalyzer.Analyze([column]).ColumnResults);

    private static void AssertFields(string id, JsonObject expected, List<string> tests, DriftColumnResult result)
    {
        Assert.Equal(tests.Count, result.Results.Count);
        foreach (var test in tests)
        {
            var expectedFields = expected[test]!.AsObject();
            Assert.True(result.Results.TryGetValue(test, out var fields), $"{id}: no result for {test} ({result.Message})");
            Assert.Equal(expectedFields.Select(f => f.Key).Order(), fields.Keys.Order());
            foreach (var (field, value) in expectedFields)
            {
                ReferenceCases.AssertClose(value!.GetValue<double>(), fields[field], $"{id} {test}.{field}");
            }
        }
    }
}
