using Portal.Analysis.Common;

namespace Portal.Analysis.Streaming;

/// <summary>Page–Hinkley parameters; the defaults are river's (<c>river.drift.PageHinkley</c>).</summary>
/// <param name="MinInstances">Values needed (since the last reset) before a signal is possible.</param>
/// <param name="Delta">Tolerated change of the mean, in the unit of the values.</param>
/// <param name="Threshold">λ: the cumulative deviation (unit × values) that signals drift.</param>
/// <param name="Alpha">Forgetting factor of the cumulative sums.</param>
public sealed record PageHinkleyOptions(int MinInstances = 30, double Delta = 0.005, double Threshold = 50.0, double Alpha = 1 - 0.0001);

/// <summary>
/// Two-sided Page–Hinkley test (Page 1954) as in river 0.21 (<c>mode="both"</c>): with the running mean x̄ₜ,
/// Uₜ = α·Uₜ₋₁ + (xₜ − x̄ₜ) − δ and Lₜ = α·Lₜ₋₁ + (xₜ − x̄ₜ) + δ; drift when Uₜ − min U &gt; λ (mean went up) or
/// max L − Lₜ &gt; λ (mean went down), once at least <see cref="PageHinkleyOptions.MinInstances"/> values were seen.
/// As in river, max L starts at −1, and all state is reset on the value after a signal. The event's statistic
/// is the larger of the two test values. O(1) memory.
/// </summary>
public sealed class PageHinkley : IStreamDriftDetector
{
    private readonly PageHinkleyOptions options;
    private long n;
    private double mean;
    private double sumIncrease;
    private double sumDecrease;
    private double minIncrease;
    private double maxDecrease;
    private bool driftDetected;

    /// <summary>Creates a detector; null options mean river's defaults.</summary>
    public PageHinkley(PageHinkleyOptions? options = null)
    {
        this.options = options ?? new PageHinkleyOptions();
        if (this.options.MinInstances < 1)
        {
            throw new AnalysisInputException("minInstances", "must be at least 1");
        }

        if (!(this.options.Delta >= 0) || !(this.options.Threshold > 0) || !(this.options.Alpha > 0 && this.options.Alpha <= 1))
        {
            throw new AnalysisInputException("options", "needs delta ≥ 0, threshold > 0 and 0 < alpha ≤ 1");
        }

        Reset();
    }

    /// <inheritdoc />
    public long Count { get; private set; }

    /// <inheritdoc />
    public StreamDriftEvent? Update(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new AnalysisInputException("value", $"value at index {Count} is {value}; only finite numbers are allowed");
        }

        if (driftDetected)
        {
            Reset();
        }

        var index = Count++;
        n++;
        mean += (value - mean) / n;
        var deviation = value - mean;
        sumIncrease = options.Alpha * sumIncrease + deviation - options.Delta;
        sumDecrease = options.Alpha * sumDecrease + deviation + options.Delta;
        minIncrease = Math.Min(minIncrease, sumIncrease);
        maxDecrease = Math.Max(maxDecrease, sumDecrease);

        if (n < options.MinInstances)
        {
            return null;
        }

        var testIncrease = sumIncrease - minIncrease;
        var testDecrease = maxDecrease - sumDecrease;
        driftDetected = testIncrease > options.Threshold || testDecrease > options.Threshold;
        return driftDetected ? new StreamDriftEvent(index, Math.Max(testIncrease, testDecrease), options.Threshold) : null;
    }

    private void Reset()
    {
        n = 0;
        mean = 0;
        sumIncrease = 0;
        sumDecrease = 0;
        minIncrease = double.PositiveInfinity;
        maxDecrease = -1;
        driftDetected = false;
    }
}
