using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Portal.Analysis.Common;

/// <summary>Standard normal tails via erfc (1 − Φ(z) would lose every digit of a small p-value).</summary>
internal static class StandardNormal
{
    /// <summary>P(Z ≥ z), as SciPy's <c>norm.sf</c>.</summary>
    public static double UpperTail(double z) => 0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2));

    /// <summary>2·P(Z ≥ |z|).</summary>
    public static double TwoSidedPValue(double z) => SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>Φ⁻¹(p), as SciPy's <c>norm.ppf</c> (MathNet's inverse matches it to ~1e-15).</summary>
    public static double Quantile(double p) => Normal.InvCDF(0, 1, p);
}
