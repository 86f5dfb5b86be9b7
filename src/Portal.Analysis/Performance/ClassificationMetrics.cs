using Portal.Analysis.Common;

namespace Portal.Analysis.Performance;

/// <summary>
/// scikit-learn compatible metrics for a binary classifier (positive label "1"). RocAuc and LogLoss are null
/// without scores or when yTrue has one class, Brier is null without scores (see UnavailableReasons).
/// Confusion is [[tn, fp], [fn, tp]] as scikit-learn's confusion_matrix with labels [0, 1].
/// </summary>
public sealed record BinaryClassificationResult(
    double Accuracy,
    double Precision,
    double Recall,
    double F1,
    double? RocAuc,
    double? LogLoss,
    double? Brier,
    long[][] Confusion)
{
    /// <summary>Why a null metric is null, keyed by its API field name ("rocAuc", "logLoss", "brier").</summary>
    public IReadOnlyDictionary<string, string> UnavailableReasons { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// scikit-learn compatible averages over the labels present in yTrue ∪ yPred. Labels are sorted as
/// scikit-learn sorts them (numerically when all are numbers); Confusion has rows = true label and
/// columns = predicted label in that order.
/// </summary>
public sealed record MulticlassClassificationResult(
    double Accuracy,
    double MacroF1,
    double WeightedF1,
    double MacroPrecision,
    double MacroRecall,
    IReadOnlyList<string> Labels,
    long[][] Confusion);

/// <summary>
/// Classification metrics as scikit-learn 1.2 computes them, with zero_division giving 0 (its default,
/// without the warning).
/// </summary>
public static class ClassificationMetrics
{
    private const string Positive = "1";
    private const string Negative = "0";

    /// <summary>
    /// Labels are compared as strings (numbers formatted invariantly, so 1 and 1.0 are both "1").
    /// yScore, when given, is the score of the positive class.
    /// </summary>
    /// <exception cref="AnalysisInputException">
    /// Empty input, lengths differ, a null label, a label other than 0 or 1, or a score outside [0, 1] or NaN.
    /// </exception>
    public static BinaryClassificationResult Binary(IReadOnlyList<string> yTrue, IReadOnlyList<string> yPred, IReadOnlyList<double>? yScore)
    {
        var (actual, predicted) = NormalizePair(yTrue, yPred);
        RequireBinaryLabels(actual, "yTrue");
        RequireBinaryLabels(predicted, "yPred");
        if (yScore is not null)
        {
            RequireScores(yScore, actual.Length);
        }

        long tn = 0, fp = 0, fn = 0, tp = 0;
        var isPositive = new bool[actual.Length];
        for (var i = 0; i < actual.Length; i++)
        {
            isPositive[i] = actual[i] == Positive;
            var predictedPositive = predicted[i] == Positive;
            if (isPositive[i])
            {
                if (predictedPositive) { tp++; } else { fn++; }
            }
            else
            {
                if (predictedPositive) { fp++; } else { tn++; }
            }
        }

        var precision = Ratio(tp, tp + fp);
        var recall = Ratio(tp, tp + fn);
        var reasons = new Dictionary<string, string>();
        double? rocAuc = null, logLoss = null, brier = null;
        if (yScore is null)
        {
            const string noScores = "No yScore was given.";
            reasons["rocAuc"] = noScores;
            reasons["logLoss"] = noScores;
            reasons["brier"] = noScores;
        }
        else if (tp + fn == 0 || tn + fp == 0)
        {
            // scikit-learn raises for both: ROC AUC and log loss need both classes in yTrue.
            const string oneClass = "Only one class is present in yTrue.";
            reasons["rocAuc"] = oneClass;
            reasons["logLoss"] = oneClass;
            brier = ScoreMetrics.Brier(isPositive, yScore);
        }
        else
        {
            rocAuc = ScoreMetrics.RocAuc(isPositive, yScore);
            logLoss = ScoreMetrics.LogLoss(isPositive, yScore);
            brier = ScoreMetrics.Brier(isPositive, yScore);
        }

        return new BinaryClassificationResult(
            Accuracy: (double)(tp + tn) / actual.Length,
            Precision: precision,
            Recall: recall,
            F1: F1(precision, recall),
            RocAuc: rocAuc,
            LogLoss: logLoss,
            Brier: brier,
            Confusion: [[tn, fp], [fn, tp]])
        {
            UnavailableReasons = reasons,
        };
    }

    /// <summary>
    /// Accuracy and macro / weighted (by true count) averages of precision, recall and F1 over every label in
    /// yTrue ∪ yPred (scikit-learn's precision_recall_fscore_support with average="macro" / "weighted").
    /// </summary>
    /// <exception cref="AnalysisInputException">Empty input, lengths differ, or a null label.</exception>
    public static MulticlassClassificationResult Multiclass(IReadOnlyList<string> yTrue, IReadOnlyList<string> yPred)
    {
        var (actual, predicted) = NormalizePair(yTrue, yPred);
        var labels = ClassLabels.SortedUnion(actual, predicted);
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < labels.Length; k++)
        {
            indexOf[labels[k]] = k;
        }

        var confusion = new long[labels.Length][];
        for (var k = 0; k < labels.Length; k++)
        {
            confusion[k] = new long[labels.Length];
        }

        for (var i = 0; i < actual.Length; i++)
        {
            confusion[indexOf[actual[i]]][indexOf[predicted[i]]]++;
        }

        long correct = 0;
        double precisionSum = 0, recallSum = 0, f1Sum = 0, weightedF1Sum = 0;
        for (var k = 0; k < labels.Length; k++)
        {
            long trueCount = 0, predictedCount = 0;
            for (var j = 0; j < labels.Length; j++)
            {
                trueCount += confusion[k][j];
                predictedCount += confusion[j][k];
            }

            var truePositives = confusion[k][k];
            correct += truePositives;
            var precision = Ratio(truePositives, predictedCount);
            var recall = Ratio(truePositives, trueCount);
            var f1 = F1(precision, recall);
            precisionSum += precision;
            recallSum += recall;
            f1Sum += f1;
            weightedF1Sum += f1 * trueCount;
        }

        return new MulticlassClassificationResult(
            Accuracy: (double)correct / actual.Length,
            MacroF1: f1Sum / labels.Length,
            WeightedF1: weightedF1Sum / actual.Length,
            MacroPrecision: precisionSum / labels.Length,
            MacroRecall: recallSum / labels.Length,
            Labels: labels,
            Confusion: confusion);
    }

    /// <summary>True when every label is "0" or "1" (binary metrics apply).</summary>
    /// <exception cref="AnalysisInputException">A null label.</exception>
    public static bool IsBinary(IReadOnlyList<string> yTrue, IReadOnlyList<string> yPred)
    {
        return AllBinary(ClassLabels.Normalize(yTrue, "yTrue")) && AllBinary(ClassLabels.Normalize(yPred, "yPred"));
    }

    private static (string[] Actual, string[] Predicted) NormalizePair(IReadOnlyList<string> yTrue, IReadOnlyList<string> yPred)
    {
        Guard.NotEmpty(yTrue.Count, "yTrue");
        Guard.SameLength(yTrue.Count, yPred.Count, "yPred", "yTrue");
        return (ClassLabels.Normalize(yTrue, "yTrue"), ClassLabels.Normalize(yPred, "yPred"));
    }

    private static bool AllBinary(string[] labels)
    {
        foreach (var label in labels)
        {
            if (label != Positive && label != Negative)
            {
                return false;
            }
        }

        return true;
    }

    private static void RequireBinaryLabels(string[] labels, string field)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] != Positive && labels[i] != Negative)
            {
                throw new AnalysisInputException(field, $"{field}[{i}] is \"{labels[i]}\"; binary metrics need labels 0 and 1.");
            }
        }
    }

    private static void RequireScores(IReadOnlyList<double> yScore, int count)
    {
        Guard.SameLength(count, yScore.Count, "yScore", "yTrue");
        for (var i = 0; i < yScore.Count; i++)
        {
            if (!(yScore[i] >= 0 && yScore[i] <= 1))
            {
                throw new AnalysisInputException("yScore", $"yScore[{i}] must be a probability in [0, 1], got {Guard.Format(yScore[i])}.");
            }
        }
    }

    /// <summary>scikit-learn's _prf_divide with zero_division="warn": 0 when the denominator is 0.</summary>
    private static double Ratio(long numerator, long denominator) =>
        denominator == 0 ? 0.0 : (double)numerator / denominator;

    /// <summary>F1 from precision and recall as scikit-learn 1.2 computes it (0 when both are 0).</summary>
    private static double F1(double precision, double recall)
    {
        var denominator = precision + recall;
        return denominator == 0 ? 0.0 : 2 * precision * recall / denominator;
    }
}
