using Portal.Analysis.Common;
using Portal.Analysis.Performance;

namespace Portal.Analysis.Tests.Performance;

/// <summary>Edge cases of the classification metrics; expected numbers from scikit-learn 1.2.1.</summary>
public class ClassificationEdgeTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void RocAuc_matches_sklearn_on_tied_scores()
    {
        // roc_auc_score([0,0,1,1,0,1,0,1], [0.3,0.5,0.5,0.8,0.8,0.8,0.1,0.3]) == 0.6875
        var result = ClassificationMetrics.Binary(
            ["0", "0", "1", "1", "0", "1", "0", "1"],
            ["0", "1", "1", "1", "1", "1", "0", "0"],
            [0.3, 0.5, 0.5, 0.8, 0.8, 0.8, 0.1, 0.3]);

        Assert.Equal(0.6875, result.RocAuc!.Value, Tolerance);
    }

    [Fact]
    public void LogLoss_clips_scores_of_zero_and_one_at_float64_eps()
    {
        // log_loss([0,1,1,0], [0.0,1.0,0.0,0.2]) == 9.06669923510784 (eps="auto" = np.finfo(float64).eps in 1.2.1;
        // the old eps=1e-15 gives 8.690479986556223)
        var result = ClassificationMetrics.Binary(["0", "1", "1", "0"], ["0", "1", "0", "0"], [0.0, 1.0, 0.0, 0.2]);

        Assert.Equal(9.06669923510784, result.LogLoss!.Value, 1e-12);
    }

    [Fact]
    public void RocAuc_is_null_when_one_class_present()
    {
        // roc_auc_score and log_loss raise for y_true = [1,1,1]; brier_score_loss([1,1,1], [0.9,0.4,1.0]) == 0.12333333333333334
        var result = ClassificationMetrics.Binary(["1", "1", "1"], ["1", "0", "1"], [0.9, 0.4, 1.0]);

        Assert.Null(result.RocAuc);
        Assert.Null(result.LogLoss);
        Assert.Contains("one class", result.UnavailableReasons["rocAuc"]);
        Assert.Contains("one class", result.UnavailableReasons["logLoss"]);
        Assert.Equal(0.12333333333333334, result.Brier!.Value, Tolerance);
        Assert.False(result.UnavailableReasons.ContainsKey("brier"));
    }

    [Fact]
    public void Score_metrics_are_null_without_scores()
    {
        var result = ClassificationMetrics.Binary(["0", "1"], ["0", "1"], null);

        Assert.Null(result.RocAuc);
        Assert.Null(result.LogLoss);
        Assert.Null(result.Brier);
        Assert.Equal(["brier", "logLoss", "rocAuc"], result.UnavailableReasons.Keys.Order());
        Assert.Equal(1.0, result.Accuracy);
    }

    [Fact]
    public void Precision_recall_and_f1_are_zero_when_nothing_is_predicted_positive()
    {
        // precision_score / recall_score / f1_score([0,1,1,0], [0,0,0,0]) == 0.0 (zero_division="warn" → 0)
        var result = ClassificationMetrics.Binary(["0", "1", "1", "0"], ["0", "0", "0", "0"], null);

        Assert.Equal(0.0, result.Precision);
        Assert.Equal(0.0, result.Recall);
        Assert.Equal(0.0, result.F1);
        Assert.Equal(0.5, result.Accuracy);
        Assert.Equal([[2L, 0L], [2L, 0L]], result.Confusion);
    }

    [Fact]
    public void Labels_1_and_1_point_0_are_the_same_label()
    {
        string[] yTrue = ["1.0", "0", "1", "0.0"];
        string[] yPred = ["1", "0.0", "1e0", "1"];

        Assert.True(ClassificationMetrics.IsBinary(yTrue, yPred));
        var result = ClassificationMetrics.Binary(yTrue, yPred, null);
        Assert.Equal([[1L, 1L], [0L, 2L]], result.Confusion);
    }

    [Fact]
    public void IsBinary_is_false_for_other_labels()
    {
        Assert.False(ClassificationMetrics.IsBinary(["0", "1", "2"], ["0", "1", "1"]));
        Assert.False(ClassificationMetrics.IsBinary(["yes", "no"], ["no", "no"]));
        Assert.True(ClassificationMetrics.IsBinary(["0", "0"], ["0", "0"]));
    }

    [Fact]
    public void Binary_rejects_labels_other_than_0_and_1()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ClassificationMetrics.Binary(["0", "2"], ["0", "1"], null));
        Assert.Equal("yTrue", error.Field);
        Assert.Contains("yTrue[1]", error.Message);
    }

    [Fact]
    public void Binary_rejects_mismatched_lengths()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ClassificationMetrics.Binary(["0", "1"], ["0"], null));
        Assert.Equal("yPred", error.Field);
    }

    [Fact]
    public void Binary_rejects_a_yScore_of_another_length()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ClassificationMetrics.Binary(["0", "1"], ["0", "1"], [0.5]));
        Assert.Equal("yScore", error.Field);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Binary_rejects_a_score_that_is_not_a_probability(double score)
    {
        var error = Assert.Throws<AnalysisInputException>(() => ClassificationMetrics.Binary(["0", "1"], ["0", "1"], [0.2, score]));
        Assert.Equal("yScore", error.Field);
    }

    [Fact]
    public void Binary_rejects_empty_input()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ClassificationMetrics.Binary([], [], null));
        Assert.Equal("yTrue", error.Field);
    }

    [Fact]
    public void Binary_rejects_a_missing_label()
    {
        var error = Assert.Throws<AnalysisInputException>(() => ClassificationMetrics.Binary(["0", "1"], ["0", null!], null));
        Assert.Equal("yPred", error.Field);
    }

    [Fact]
    public void Multiclass_averages_over_labels_that_appear_only_in_predictions()
    {
        // y_true = ['a','b','c','a','b','c'], y_pred = ['a','b','d','a','c','c']:
        // accuracy 0.6666666666666666, f1 macro 0.5416666666666666, f1 weighted 0.7222222222222222,
        // precision macro 0.625, recall macro 0.5 (label 'd' counts with precision = recall = 0)
        var result = ClassificationMetrics.Multiclass(["a", "b", "c", "a", "b", "c"], ["a", "b", "d", "a", "c", "c"]);

        Assert.Equal(0.6666666666666666, result.Accuracy, Tolerance);
        Assert.Equal(0.5416666666666666, result.MacroF1, Tolerance);
        Assert.Equal(0.7222222222222222, result.WeightedF1, Tolerance);
        Assert.Equal(0.625, result.MacroPrecision, Tolerance);
        Assert.Equal(0.5, result.MacroRecall, Tolerance);
        Assert.Equal(["a", "b", "c", "d"], result.Labels);
    }

    [Fact]
    public void Multiclass_sorts_numeric_labels_numerically()
    {
        // confusion_matrix([2,10,9,10,2], [2,9,9,10,10]) == [[1,0,1],[0,1,0],[0,1,1]] with labels [2, 9, 10]
        var result = ClassificationMetrics.Multiclass(["2", "10", "9", "10", "2"], ["2", "9", "9", "10", "10"]);

        Assert.Equal(["2", "9", "10"], result.Labels);
        Assert.Equal([[1L, 0L, 1L], [0L, 1L, 0L], [0L, 1L, 1L]], result.Confusion);
    }

    [Fact]
    public void Multiclass_with_a_single_label_is_perfect()
    {
        // f1_score(['x','x'], ['x','x'], average='macro') == 1.0
        var result = ClassificationMetrics.Multiclass(["x", "x"], ["x", "x"]);

        Assert.Equal(1.0, result.Accuracy);
        Assert.Equal(1.0, result.MacroF1);
        Assert.Equal(1.0, result.WeightedF1);
    }
}
