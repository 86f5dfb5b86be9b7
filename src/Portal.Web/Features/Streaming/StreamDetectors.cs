using Portal.Analysis.Streaming;
using Portal.Data.Entities.Streaming;

namespace Portal.Web.Features.Streaming;

/// <summary>A signal of one detector on one model's stream, before de-duplication.</summary>
public sealed record DetectorSignal(int ModelId, string Model, string? Version, string Detector, string Signal, double Statistic, double Threshold, double? MeanBefore, double? MeanAfter, long ValuesSeen);

/// <summary>
/// The detectors of every model this node ingests, in memory: per model a Page–Hinkley and an ADWIN detector on the
/// score stream and another pair on the error stream. Page–Hinkley's δ and λ are in the unit of the values, so it
/// watches only values on a 0..1 scale (scores, errors); a regression model's predicted value is watched by ADWIN
/// alone (its cut test scales with the window's variance). State starts afresh with the process. Not thread-safe: one
/// reader (<see cref="StreamingDriftService"/>) owns it.
/// </summary>
public sealed class StreamDetectors(StreamingOptions options)
{
    private readonly PageHinkleyOptions pageHinkley = options.PageHinkley.ToOptions();
    private readonly AdwinOptions adwin = options.Adwin.ToOptions();
    private readonly Dictionary<(int, StreamSignal), Pair> pairs = [];

    /// <summary>Feeds one value; returns the detectors' signals (usually none).</summary>
    public void Add(in StreamSample sample, List<DetectorSignal> signals)
    {
        var key = (sample.ModelId, sample.Signal);
        if (!pairs.TryGetValue(key, out var pair))
        {
            pairs[key] = pair = new Pair(sample.Regression ? null : new PageHinkley(pageHinkley), new Adwin(adwin));
        }

        var signal = sample.Signal == StreamSignal.Score ? PossibleDriftEvent.ScoreSignal : PossibleDriftEvent.ErrorSignal;
        if (pair.PageHinkley?.Update(sample.Value) is { } ph)
        {
            signals.Add(new DetectorSignal(sample.ModelId, sample.Model, sample.Version, PossibleDriftEvent.PageHinkley, signal, ph.Statistic, ph.Threshold, null, null, ph.Index + 1));
        }

        // ADWIN drops the older part of its window at a cut: its mean is the mean before, the kept window's the mean after.
        var widthBefore = pair.Adwin.Width;
        var totalBefore = pair.Adwin.Mean * widthBefore;
        if (pair.Adwin.Update(sample.Value) is { } cut)
        {
            var dropped = widthBefore + 1 - pair.Adwin.Width;
            double? before = dropped > 0 ? (totalBefore + sample.Value - (pair.Adwin.Mean * pair.Adwin.Width)) / dropped : null;
            signals.Add(new DetectorSignal(sample.ModelId, sample.Model, sample.Version, PossibleDriftEvent.Adwin, signal, cut.Statistic, cut.Threshold, before, pair.Adwin.Mean, cut.Index + 1));
        }
    }

    /// <summary>Models and signals being watched.</summary>
    public int Streams => pairs.Count;

    private sealed record Pair(PageHinkley? PageHinkley, Adwin Adwin);
}
