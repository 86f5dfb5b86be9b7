namespace Portal.Web.Features.Quality;

/// <summary>
/// How the jobs that read raw rows (CBPE's reference, fairness, the AUC alert metric) read a binary model's class text:
/// "1", "true" and "True" are the positive class. JSON booleans are stored as "1"/"0" at ingestion.
/// </summary>
public static class BinaryLabel
{
    public static bool IsPositive(string? value) => value is "1" or "true" or "True";

    /// <summary>1 for the positive class, 0 for "0"/"false"/"False", null for any other text (left out).</summary>
    public static int? Parse(string? value) => IsPositive(value) ? 1 : value is "0" or "false" or "False" ? 0 : null;
}
