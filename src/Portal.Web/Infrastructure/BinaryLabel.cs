using Portal.Data.Entities;

namespace Portal.Web.Infrastructure;

/// <summary>
/// The one reading of a binary model's class text, used by everything that counts classes: the ingestion rollup
/// writer (accuracy, precision, recall, F1 on the dashboards and in the quality job), the misclassification stream,
/// CBPE's reference, the fairness job and the AUC alert metric. "1", "true" and "True" are the positive class, "0",
/// "false" and "False" the negative one (JSON booleans and numbers arrive as "1"/"0"); any other text is negative
/// where a yes/no is needed and left out where a class is needed (docs/ingestion.md, "What is positive for a binary
/// model").
/// </summary>
public static class BinaryLabel
{
    public static bool IsPositive(string? value) => value is "1" or "true" or "True";

    /// <summary>1 for the positive class, 0 for "0"/"false"/"False", null for any other text (left out).</summary>
    public static int? Parse(string? value) => IsPositive(value) ? 1 : value is "0" or "false" or "False" ? 0 : null;

    /// <summary>
    /// Whether a prediction names the same class as its label: for a binary model "true" and "1" are the same class
    /// (as are "false" and "0"); other text, and other tasks, compare as text.
    /// </summary>
    public static bool SameClass(ModelTaskType task, string? prediction, string? label) =>
        task == ModelTaskType.Binary && Parse(prediction) is { } predicted && Parse(label) is { } actual
            ? predicted == actual
            : prediction == label;

    /// <summary>"1"/"0" for the binary class texts, other text unchanged: the labels the analysis library expects.</summary>
    public static string? Canonical(string? value) => Parse(value) is { } parsed ? (parsed == 1 ? "1" : "0") : value;
}
