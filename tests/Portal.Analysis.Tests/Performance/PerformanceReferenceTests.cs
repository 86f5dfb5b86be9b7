using System.Text.Json.Nodes;

using Portal.Analysis.Performance;
using Portal.Analysis.Tests.Reference;

namespace Portal.Analysis.Tests.Performance;

/// <summary>Every expected field of every public classification / multiclass / regression case.</summary>
public class PerformanceReferenceTests
{
    public static TheoryData<string> BinaryCases => ReferenceCases.Ids("classification");

    public static TheoryData<string> MulticlassCases => ReferenceCases.Ids("multiclass");

    public static TheoryData<string> RegressionCases => ReferenceCases.Ids("regression");

    public static TheoryData<string> NumericalCases => ReferenceCases.Ids("numerical");

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_matches_scikit_learn(string id)
    {
        var c = ReferenceCases.ById(id);
        var yTrue = Labels(c["yTrue"]);
        var yPred = Labels(c["yPred"]);
        Assert.True(ClassificationMetrics.IsBinary(yTrue, yPred));

        var yScore = c["yScore"] is null ? null : ReferenceCases.Numbers(c["yScore"]);
        var result = ClassificationMetrics.Binary(yTrue, yPred, yScore);

        foreach (var (field, expected) in c["expected"]!.AsObject())
        {
            switch (field)
            {
                case "confusion":
                    Assert.Equal(ToMatrix(expected), result.Confusion);
                    break;
                case "rocAuc":
                case "logLoss":
                case "brier":
                    // null in the reference where scikit-learn raises (e.g. one class): the metric must be null too.
                    var actual = field switch { "rocAuc" => result.RocAuc, "logLoss" => result.LogLoss, _ => result.Brier };
                    if (expected is null)
                    {
                        Assert.Null(actual);
                        break;
                    }

                    Assert.NotNull(actual);
                    ReferenceCases.AssertClose(expected.GetValue<double>(), actual.Value, $"{id} {field}");
                    break;
                default:
                    var value = field switch
                    {
                        "accuracy" => result.Accuracy,
                        "precision" => result.Precision,
                        "recall" => result.Recall,
                        "f1" => result.F1,
                        _ => throw new Xunit.Sdk.XunitException($"{id}: unchecked expected field '{field}'"),
                    };
                    ReferenceCases.AssertClose(expected!.GetValue<double>(), value, $"{id} {field}");
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(MulticlassCases))]
    public void Multiclass_matches_scikit_learn(string id)
    {
        var c = ReferenceCases.ById(id);
        var result = ClassificationMetrics.Multiclass(Labels(c["yTrue"]), Labels(c["yPred"]));

        foreach (var (field, expected) in c["expected"]!.AsObject())
        {
            var actual = field switch
            {
                "accuracy" => result.Accuracy,
                "macroF1" => result.MacroF1,
                "weightedF1" => result.WeightedF1,
                "macroPrecision" => result.MacroPrecision,
                "macroRecall" => result.MacroRecall,
                _ => throw new Xunit.Sdk.XunitException($"{id}: unchecked expected field '{field}'"),
            };
            ReferenceCases.AssertClose(expected!.GetValue<double>(), actual, $"{id} {field}");
        }
    }

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public void Regression_matches_scikit_learn(string id)
    {
        var c = ReferenceCases.ById(id);
        var result = RegressionMetrics.Compute(ReferenceCases.Numbers(c["yTrue"]), ReferenceCases.Numbers(c["yPred"]));

        foreach (var (field, expected) in c["expected"]!.AsObject())
        {
            var actual = field switch
            {
                "mae" => result.Mae,
                "rmse" => result.Rmse,
                "r2" => result.R2,
                "mape" => result.Mape,
                "meanResidual" => result.MeanResidual,
                "stdResidual" => result.StdResidual,
                _ => throw new Xunit.Sdk.XunitException($"{id}: unchecked expected field '{field}'"),
            };
            ReferenceCases.AssertClose(expected!.GetValue<double>(), actual, $"{id} {field}");
        }
    }

    /// <summary>The quantiles of each numerical case's reference column (NaN dropped): NumPy percentile, mean, std ddof 1.</summary>
    [Theory]
    [MemberData(nameof(NumericalCases))]
    public void Summary_matches_numpy_on_reference_columns(string id)
    {
        var c = ReferenceCases.ById(id);
        var summary = Percentiles.Summarize(ReferenceCases.Numbers(c["reference"]));

        foreach (var (field, expected) in c["expected"]!["quantiles"]!["reference"]!.AsObject())
        {
            var actual = field switch
            {
                "p50" => summary.P50,
                "p95" => summary.P95,
                "p99" => summary.P99,
                "mean" => summary.Mean,
                "std" => summary.Std!.Value,
                _ => throw new Xunit.Sdk.XunitException($"{id}: unchecked expected field '{field}'"),
            };
            ReferenceCases.AssertClose(expected!.GetValue<double>(), actual, $"{id} {field}");
        }
    }

    private static string[] Labels(JsonNode? array) => ReferenceCases.Strings(array).Select(s => s!).ToArray();

    private static long[][] ToMatrix(JsonNode? matrix) =>
        matrix!.AsArray().Select(row => row!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray();
}
