namespace Portal.Data.Entities.Streaming;

/// <summary>
/// A "possible drift" signal of a streaming detector (Page–Hinkley or ADWIN) on one model's score or error stream,
/// raised between scheduled drift runs. Signals of the same model, detector and signal within the de-duplication
/// window are stored once.
/// </summary>
public sealed class PossibleDriftEvent
{
    public const int DetectorMaxLength = 16;
    public const int SignalMaxLength = 8;

    public const string PageHinkley = "page-hinkley";
    public const string Adwin = "adwin";
    public const string ScoreSignal = "score";
    public const string ErrorSignal = "error";

    public long Id { get; set; }

    public int ModelId { get; set; }

    /// <summary>Version of the value that triggered the signal, when the prediction named one.</summary>
    public string? Version { get; set; }

    /// <summary>When the detector signalled (UTC).</summary>
    public DateTime At { get; set; }

    /// <summary><see cref="PageHinkley"/> or <see cref="Adwin"/>.</summary>
    public required string Detector { get; set; }

    /// <summary><see cref="ScoreSignal"/> (mean score, or predicted value for regression) or <see cref="ErrorSignal"/> (misclassification rate).</summary>
    public required string Signal { get; set; }

    /// <summary>The detector's test statistic (Page–Hinkley: cumulative deviation; ADWIN: |μ₀ − μ₁|).</summary>
    public double Statistic { get; set; }

    /// <summary>The value the statistic exceeded (Page–Hinkley: λ; ADWIN: ε of the cut).</summary>
    public double Threshold { get; set; }

    /// <summary>Mean of the stream before the change, when the detector knows it.</summary>
    public double? MeanBefore { get; set; }

    /// <summary>Mean of the stream after the change, when the detector knows it.</summary>
    public double? MeanAfter { get; set; }

    /// <summary>Values the node's detector had seen when it signalled.</summary>
    public long ValuesSeen { get; set; }
}
