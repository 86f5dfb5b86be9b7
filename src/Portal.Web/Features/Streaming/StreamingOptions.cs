using Portal.Analysis.Streaming;

namespace Portal.Web.Features.Streaming;

/// <summary>Streaming drift detectors (configuration section <c>Portal:Streaming</c>); detector defaults are river's.</summary>
public sealed class StreamingOptions
{
    public const string Section = "Portal:Streaming";

    /// <summary>Feed committed predictions and labels to the detectors; off: ingestion does no streaming work at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Values waiting for the detectors; past this new values are dropped (counted), never blocking ingestion.</summary>
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>Signals of the same model, detector and signal within this many minutes are stored as one event.</summary>
    public int DeduplicationMinutes { get; set; } = 5;

    public PageHinkleySettings PageHinkley { get; set; } = new();

    public AdwinSettings Adwin { get; set; } = new();

    public sealed class PageHinkleySettings
    {
        private static readonly PageHinkleyOptions Defaults = new();

        public int MinInstances { get; set; } = Defaults.MinInstances;

        public double Delta { get; set; } = Defaults.Delta;

        public double Threshold { get; set; } = Defaults.Threshold;

        public double Alpha { get; set; } = Defaults.Alpha;

        public PageHinkleyOptions ToOptions() => new(MinInstances, Delta, Threshold, Alpha);
    }

    public sealed class AdwinSettings
    {
        private static readonly AdwinOptions Defaults = new();

        public double Delta { get; set; } = Defaults.Delta;

        public int Clock { get; set; } = Defaults.Clock;

        public int MaxBuckets { get; set; } = Defaults.MaxBuckets;

        public int MinWindowLength { get; set; } = Defaults.MinWindowLength;

        public int GracePeriod { get; set; } = Defaults.GracePeriod;

        public AdwinOptions ToOptions() => new(Delta, Clock, MaxBuckets, MinWindowLength, GracePeriod);
    }
}
