namespace Portal.Analysis.Tests.Experiments;

/// <summary>
/// Relative comparison for tiny probabilities, where the reference tolerance's absolute 1e-9 would accept
/// anything (including 0).
/// </summary>
internal static class Tails
{
    public static void AssertRelative(double expected, double actual, double relative = 1e-9)
    {
        Assert.True(
            Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R} (relative tolerance {relative:R})");
    }
}
