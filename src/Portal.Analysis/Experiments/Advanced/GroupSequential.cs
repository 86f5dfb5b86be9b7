using MathNet.Numerics.Distributions;
using Portal.Analysis.Common;

namespace Portal.Analysis.Experiments;

/// <summary>
/// One interim (or the final) look of a group-sequential plan: reject "no difference" at this look when
/// |z| ≥ <see cref="Z"/>, equivalently when the two-sided p-value of the look is ≤ <see cref="NominalAlpha"/>.
/// </summary>
/// <param name="Look">1-based look number.</param>
/// <param name="InformationFraction">Share of the planned sample analysed at this look, in (0, 1].</param>
/// <param name="Z">Two-sided z boundary of this look.</param>
/// <param name="NominalAlpha">2·(1 − Φ(Z)): the per-look p-value threshold.</param>
/// <param name="CumulativeAlphaSpent">Type I error the plan may have spent up to and including this look.</param>
public sealed record SequentialBoundary(int Look, double InformationFraction, double Z, double NominalAlpha, double CumulativeAlphaSpent);

/// <summary>
/// Group-sequential boundaries with the Lan–DeMets O'Brien–Fleming alpha-spending function
/// α(t) = 2 − 2Φ(z₁₋α/₂ / √t), so that looking at the data several times keeps the overall false-positive
/// rate at α.
/// </summary>
/// <remarks>
/// Computation (Armitage, McPherson and Rowe 1969; Jennison and Turnbull 2000, ch. 19): under "no difference"
/// the score S(t) = Z(t)·√t is Brownian motion, so S at successive looks has independent N(0, tₖ − tₖ₋₁)
/// increments. The sub-density of S at look k − 1 on the continuation region (−bₖ₋₁, bₖ₋₁), bₖ = cₖ√tₖ, is
/// carried on a Simpson grid; look k's z boundary cₖ is the root (bisection to 1e-12) of
/// P(continue to k − 1, |Sₖ| ≥ cₖ√tₖ) = α(tₖ) − α(tₖ₋₁), and the sub-density is then convolved with the
/// increment's normal density to the next region. The grid spacing is at most 1/8 of the increment's standard
/// deviation (between 600 and 6000 intervals); SciPy's multivariate normal CDF (Genz) on the resulting boundaries gives
/// back α(tₖ) to its own precision (5e-7), see the tests.
/// Convention: the spending function is the project's (STATISTICS.md), total two-sided α(t) = 2 − 2Φ(z₁₋α/₂/√t)
/// with a symmetric continuation region; tables that spend α/2 per side with the one-sided formula
/// (rpact, gsDesign, ldbounds: 4.877, 3.357, 2.680, 2.290, 2.031 for five equal looks) are more conservative
/// at early looks; here five equal looks give 4.383, 3.100, 2.553, 2.254, 2.064.
/// </remarks>
public static class GroupSequential
{
    private const int MaxGridIntervals = 6000;

    /// <summary>
    /// O'Brien–Fleming (Lan–DeMets) two-sided z boundaries at the given information fractions
    /// (strictly increasing, each in (0, 1]; the last is normally 1).
    /// </summary>
    public static IReadOnlyList<SequentialBoundary> ObrienFlemingBoundaries(IReadOnlyList<double> informationFractions, double alpha = 0.05)
    {
        Validate(informationFractions, alpha);
        var zHalf = Normal.InvCDF(0, 1, 1 - alpha / 2);
        var result = new List<SequentialBoundary>(informationFractions.Count);

        double[] grid = [];
        double[] density = [];
        double[] weights = [];
        var previousT = 0.0;
        var previousSpent = 0.0;
        for (var k = 0; k < informationFractions.Count; k++)
        {
            var t = informationFractions[k];
            var spent = SpentFromZ(t, zHalf);
            var increment = spent - previousSpent;
            double c;
            if (k == 0)
            {
                c = -Normal.InvCDF(0, 1, spent / 2);
            }
            else
            {
                var sigma = Math.Sqrt(t - previousT);
                var sqrtT = Math.Sqrt(t);
                c = SolveBoundary(cc => CrossingProbability(grid, density, weights, cc * sqrtT, sigma), increment);
            }

            result.Add(new SequentialBoundary(k + 1, t, c, 2 * Normal.CDF(0, 1, -c), spent));

            if (k + 1 < informationFractions.Count)
            {
                var nextSigma = Math.Sqrt(informationFractions[k + 1] - t);
                var b = c * Math.Sqrt(t);
                var intervals = GridIntervals(2 * b, nextSigma);
                var newGrid = SimpsonGrid(-b, b, intervals, out var newWeights);
                var newDensity = new double[newGrid.Length];
                if (k == 0)
                {
                    var sd = Math.Sqrt(t);
                    for (var j = 0; j < newGrid.Length; j++)
                    {
                        newDensity[j] = Normal.PDF(0, sd, newGrid[j]);
                    }
                }
                else
                {
                    var sigma = Math.Sqrt(t - previousT);
                    for (var j = 0; j < newGrid.Length; j++)
                    {
                        var sum = 0.0;
                        for (var i = 0; i < grid.Length; i++)
                        {
                            var u = (newGrid[j] - grid[i]) / sigma;
                            sum += weights[i] * density[i] * Math.Exp(-0.5 * u * u);
                        }

                        newDensity[j] = sum / (sigma * Math.Sqrt(2 * Math.PI));
                    }
                }

                grid = newGrid;
                density = newDensity;
                weights = newWeights;
            }

            previousT = t;
            previousSpent = spent;
        }

        return result;
    }

    /// <summary>Lan–DeMets O'Brien–Fleming alpha spent by information fraction t: 2 − 2Φ(z₁₋α/₂ / √t).</summary>
    public static double SpentAlpha(double informationFraction, double alpha = 0.05)
    {
        if (!(informationFraction > 0 && informationFraction <= 1))
        {
            throw new AnalysisInputException(nameof(informationFraction), $"must be in (0, 1], got {informationFraction}");
        }

        Guard.Probability(alpha, nameof(alpha));
        return SpentFromZ(informationFraction, Normal.InvCDF(0, 1, 1 - alpha / 2));
    }

    /// <summary>True when the look's z statistic is on or beyond the boundary (either direction).</summary>
    public static bool Crossed(SequentialBoundary boundary, double z)
    {
        Guard.NotNull(boundary, nameof(boundary));
        if (double.IsNaN(z))
        {
            throw new AnalysisInputException(nameof(z), "is NaN");
        }

        return Math.Abs(z) >= boundary.Z;
    }

    // 2 − 2Φ(x) written as 2Φ(−x) keeps precision for tiny information fractions.
    private static double SpentFromZ(double t, double zHalf) => 2 * Normal.CDF(0, 1, -zHalf / Math.Sqrt(t));

    private static void Validate(IReadOnlyList<double> fractions, double alpha)
    {
        Guard.Probability(alpha, nameof(alpha));
        Guard.Finite(fractions, "informationFractions");
        var previous = 0.0;
        for (var i = 0; i < fractions.Count; i++)
        {
            if (fractions[i] <= previous || fractions[i] > 1)
            {
                throw new AnalysisInputException("informationFractions", $"must be strictly increasing in (0, 1]; value {i} is {fractions[i]}");
            }

            previous = fractions[i];
        }
    }

    private static int GridIntervals(double width, double sigma)
    {
        var intervals = (int)Math.Ceiling(width / (sigma / 8));
        intervals = Math.Clamp(intervals, 600, MaxGridIntervals);
        return intervals % 2 == 0 ? intervals : intervals + 1;
    }

    private static double[] SimpsonGrid(double low, double high, int intervals, out double[] weights)
    {
        var h = (high - low) / intervals;
        var grid = new double[intervals + 1];
        weights = new double[intervals + 1];
        for (var j = 0; j <= intervals; j++)
        {
            grid[j] = low + j * h;
            weights[j] = (j == 0 || j == intervals ? 1.0 : j % 2 == 1 ? 4.0 : 2.0) * h / 3;
        }

        return grid;
    }

    /// <summary>P(still running at the previous look and |S| ≥ boundary now), S = previous + N(0, σ²).</summary>
    private static double CrossingProbability(double[] grid, double[] density, double[] weights, double boundary, double sigma)
    {
        var sum = 0.0;
        for (var i = 0; i < grid.Length; i++)
        {
            var tails = Normal.CDF(0, 1, (-boundary - grid[i]) / sigma) + Normal.CDF(0, 1, (grid[i] - boundary) / sigma);
            sum += weights[i] * density[i] * tails;
        }

        return sum;
    }

    private static double SolveBoundary(Func<double, double> crossing, double target)
    {
        double low = 0, high = 40;
        for (var iteration = 0; iteration < 200 && high - low > 1e-12; iteration++)
        {
            var mid = 0.5 * (low + high);
            if (crossing(mid) > target)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return 0.5 * (low + high);
    }
}
