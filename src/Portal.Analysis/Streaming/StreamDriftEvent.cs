using Portal.Analysis.Common;

namespace Portal.Analysis.Streaming;

/// <summary>A "possible drift" signal of a streaming detector.</summary>
/// <param name="Index">0-based position in the stream of the value that triggered the signal.</param>
/// <param name="Statistic">The detector's test statistic at that point (see the detector).</param>
/// <param name="Threshold">The value the statistic exceeded.</param>
public sealed record StreamDriftEvent(long Index, double Statistic, double Threshold);

/// <summary>Runs a detector over whole streams, and turns labelled predictions into an error-rate stream.</summary>
public static class StreamingDrift
{
    /// <summary>Feeds every value to a fresh Page–Hinkley detector; returns its drift events.</summary>
    public static IReadOnlyList<StreamDriftEvent> PageHinkley(IReadOnlyList<double> values, PageHinkleyOptions? options = null)
        => Run(new PageHinkley(options), values, nameof(values));

    /// <summary>Feeds every value to a fresh ADWIN detector; returns its drift events.</summary>
    public static IReadOnlyList<StreamDriftEvent> Adwin(IReadOnlyList<double> values, AdwinOptions? options = null)
        => Run(new Adwin(options), values, nameof(values));

    /// <summary>1 where the prediction is wrong, 0 where it is right: the stream whose mean is the error rate.</summary>
    public static double[] Errors(IReadOnlyList<int> yTrue, IReadOnlyList<int> yPred)
    {
        Guard.NotNull(yTrue, nameof(yTrue));
        Guard.NotNull(yPred, nameof(yPred));
        Guard.SameLength(yTrue.Count, yPred.Count, nameof(yPred));
        var errors = new double[yTrue.Count];
        for (var i = 0; i < errors.Length; i++)
        {
            errors[i] = yTrue[i] == yPred[i] ? 0.0 : 1.0;
        }

        return errors;
    }

    private static List<StreamDriftEvent> Run(IStreamDriftDetector detector, IReadOnlyList<double> values, string field)
    {
        Guard.Finite(values, field);
        var events = new List<StreamDriftEvent>();
        for (var i = 0; i < values.Count; i++)
        {
            if (detector.Update(values[i]) is { } e)
            {
                events.Add(e);
            }
        }

        return events;
    }
}

/// <summary>An online detector: one value at a time, constant work per value on average.</summary>
public interface IStreamDriftDetector
{
    /// <summary>Number of values seen (the next value gets this index).</summary>
    long Count { get; }

    /// <summary>Adds a value; returns an event when it signals possible drift, otherwise null.</summary>
    StreamDriftEvent? Update(double value);
}
