namespace Portal.Analysis.Common;

/// <summary>
/// Input that a statistic cannot be computed on. <see cref="Field"/> names the offending input
/// (e.g. <c>yPred</c>, <c>current.age</c>) so callers can tell the user where the problem is.
/// </summary>
public sealed class AnalysisInputException(string field, string reason) : ArgumentException($"{field}: {reason}", field)
{
    public string Field { get; } = field;

    /// <summary>What is wrong, without the field name.</summary>
    public string Reason { get; } = reason;
}
