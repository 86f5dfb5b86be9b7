namespace Portal.Analysis.Experiments;

public sealed record WelchResult(double T, double Df, double PValue, double Difference, double CiLow, double CiHigh, double Lift, bool Significant);

public sealed record ProportionsResult(double Z, double PValue, double Difference, double CiLow, double CiHigh, double Lift, bool Significant);

public sealed record SrmResult(double Statistic, double PValue, bool Mismatch);

public sealed record Proportion(long Successes, long Trials);

/// <summary>Frequentist A/B statistics of STATISTICS.md (treatment − control).</summary>
public static class ExperimentStatistics
{
    public static WelchResult Welch(IReadOnlyList<double> control, IReadOnlyList<double> treatment, double alpha = 0.05)
        => throw new NotImplementedException();

    public static ProportionsResult TwoProportions(Proportion control, Proportion treatment, double alpha = 0.05)
        => throw new NotImplementedException();

    /// <summary>Sample-ratio mismatch: χ² of observed counts against the configured split; mismatch when p &lt; 0.001.</summary>
    public static SrmResult SampleRatioMismatch(IReadOnlyList<long> observed, IReadOnlyList<double> split)
        => throw new NotImplementedException();

    public static long SampleSizePerVariant(double baselineRate, double relativeMde, double power = 0.8, double alpha = 0.05)
        => throw new NotImplementedException();

    /// <summary>Lan–DeMets O'Brien–Fleming alpha spent at information fraction t ∈ (0, 1].</summary>
    public static double ObrienFlemingAlphaSpent(double informationFraction, double alpha = 0.05)
        => throw new NotImplementedException();
}
