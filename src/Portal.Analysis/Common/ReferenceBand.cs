namespace Portal.Analysis.Common;

/// <summary>
/// The range a statistic is expected to stay in: mean ± 3σ of its values over the reference chunks
/// (σ with ddof 0, as NannyML's standard-deviation thresholds).
/// </summary>
/// <param name="Mean">Mean over the reference chunks.</param>
/// <param name="StandardDeviation">Standard deviation over the reference chunks (ddof 0).</param>
/// <param name="Lower">Mean − 3σ.</param>
/// <param name="Upper">Mean + 3σ.</param>
/// <param name="Chunks">Number of reference chunks the band is computed from.</param>
public sealed record ReferenceBand(double Mean, double StandardDeviation, double Lower, double Upper, int Chunks)
{
    /// <summary>Width of the band in standard deviations on each side.</summary>
    public const double Sigmas = 3.0;

    /// <summary>True when the value lies inside the band (ends included).</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;

    /// <summary>Band over the finite values (NaN chunk values are skipped); null with fewer than two.</summary>
    public static ReferenceBand? From(IReadOnlyList<double> chunkValues)
    {
        var n = 0;
        var sum = 0.0;
        for (var i = 0; i < chunkValues.Count; i++)
        {
            if (double.IsFinite(chunkValues[i]))
            {
                n++;
                sum += chunkValues[i];
            }
        }

        if (n < 2)
        {
            return null;
        }

        var mean = sum / n;
        var squares = 0.0;
        for (var i = 0; i < chunkValues.Count; i++)
        {
            if (double.IsFinite(chunkValues[i]))
            {
                squares += (chunkValues[i] - mean) * (chunkValues[i] - mean);
            }
        }

        var sd = Math.Sqrt(squares / n);
        return new ReferenceBand(mean, sd, mean - Sigmas * sd, mean + Sigmas * sd, n);
    }
}
