using Portal.Analysis.Common;

namespace Portal.Analysis.Tests.Experiments;

/// <summary>
/// The Student t tails behind Welch's test, against 50-digit mpmath
/// (betainc(df/2, 1/2, 0, df/(df+t²), regularized=True) and bisection on it for quantiles).
/// </summary>
public class StudentTDistributionTests
{
    [Theory]
    [InlineData(15, 1e6, 7.4362647672103856e-51)]   // large df: Stirling log-beta keeps the digits
    [InlineData(8, 724.02, 4.9365779162696041e-15)]  // MathNet's BetaRegularized is 1% off here
    [InlineData(2.5, 3.7, 0.071822022911826773)]
    [InlineData(1e-7, 50, 0.99999992060946405)]      // near 1: computed from the small complement
    public void Two_sided_p_value_matches_mpmath(double t, double df, double expected)
    {
        Tails.AssertRelative(expected, StudentTDistribution.TwoSidedPValue(t, df), 1e-10);
    }

    [Theory]
    [InlineData(5e-7, 1.005, 596246.82324975528)]
    [InlineData(0.025, 53, 2.005745995317869)]
    [InlineData(0.025, 2.5e6, 1.9599649334489979)]
    public void Upper_quantile_matches_mpmath(double upperTail, double df, double expected)
    {
        Tails.AssertRelative(expected, StudentTDistribution.UpperQuantile(upperTail, df), 1e-10);
    }
}
