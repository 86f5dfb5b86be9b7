namespace Portal.Analysis.Performance;

/// <summary>scikit-learn compatible metrics for a binary classifier (positive label "1").</summary>
public sealed record BinaryClassificationResult(
    double Accuracy,
    double Precision,
    double Recall,
    double F1,
    double? RocAuc,
    double? LogLoss,
    double? Brier,
    // [[tn, fp], [fn, tp]] as scikit-learn's confusion_matrix with labels [0, 1].
    long[][] Confusion);

/// <summary>scikit-learn compatible averages over the labels present in yTrue ∪ yPred.</summary>
public sealed record MulticlassClassificationResult(
    double Accuracy,
    double MacroF1,
    double WeightedF1,
    double MacroPrecision,
    double MacroRecall,
    IReadOnlyList<string> Labels,
    long[][] Confusion);

public static class ClassificationMetrics
{
    /// <summary>
    /// Labels are compared as strings (numbers formatted invariantly, so 1 and 1.0 are both "1").
    /// yScore, when given, is the score of the positive class.
    /// </summary>
    public static BinaryClassificationResult Binary(IReadOnlyList<string> yTrue, IReadOnlyList<string> yPred, IReadOnlyList<double>? yScore)
        => throw new NotImplementedException();

    public static MulticlassClassificationResult Multiclass(IReadOnlyList<string> yTrue, IReadOnlyList<string> yPred)
        => throw new NotImplementedException();

    /// <summary>True when every label is "0" or "1" (binary metrics apply).</summary>
    public static bool IsBinary(IReadOnlyList<string> yTrue, IReadOnlyList<string> yPred)
        => throw new NotImplementedException();
}
