using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Portal.Data.Entities;
using Portal.Web.Features.Ingestion;
using Portal.Web.Features.Ingestion.Storage;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Streaming;

/// <summary>Which stream of a model a value belongs to.</summary>
public enum StreamSignal : byte
{
    /// <summary>Prediction score (classifiers) or predicted value (regression).</summary>
    Score,

    /// <summary>1 for a misclassified labelled prediction, 0 for a correct one (classifiers only).</summary>
    Error,
}

/// <summary>One value for a model's detectors.</summary>
/// <param name="Regression">The model is a regression model (the score stream holds predicted values).</param>
public readonly record struct StreamSample(int ModelId, string Model, string? Version, StreamSignal Signal, double Value, bool Regression = false);

/// <summary>
/// The bounded queue between the ingestion writer and <see cref="StreamingDriftService"/>. As the writer's
/// <see cref="IIngestionCommitListener"/> it collects the values of a group while the group is written
/// (<see cref="AddPrediction"/>, <see cref="AddLabel"/>, into a buffer it reuses) and queues them after the commit
/// (<see cref="Offer"/>). A full queue drops values and counts them: ingestion is never blocked or failed by the detectors.
/// </summary>
public sealed class StreamingFeed : IIngestionCommitListener
{
    private readonly Channel<StreamSample> channel;

    /// <summary>The values of the group being written (null when the detectors are off).</summary>
    private readonly List<StreamSample>? pending;
    private long dropped;

    public StreamingFeed(IOptions<StreamingOptions> options)
    {
        Enabled = options.Value.Enabled;
        pending = Enabled ? [] : null;
        channel = Channel.CreateBounded<StreamSample>(new BoundedChannelOptions(Math.Max(1, options.Value.QueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public bool Enabled { get; }

    public ChannelReader<StreamSample> Reader => channel.Reader;

    /// <summary>Values dropped because the queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Raised (on the writer's thread) when values were dropped, with the number dropped by that call.</summary>
    public event Action<int>? ValuesDropped;

    /// <summary>A stored prediction: its score (or confidence), or the predicted value of a regression model.</summary>
    public static void AddPrediction(List<StreamSample> buffer, ModelInfo model, PredictionRecord p)
    {
        var value = model.IsClassifier ? p.Score ?? p.Confidence : p.PredictionValue;
        if (value is { } v && double.IsFinite(v))
        {
            buffer.Add(new StreamSample(model.Id, model.Name, p.ModelVersion, StreamSignal.Score, v, !model.IsClassifier));
        }
    }

    /// <summary>A stored label joined to its prediction: 0/1 misclassification (classifiers only).</summary>
    public static void AddLabel(List<StreamSample> buffer, ModelInfo model, FeedbackRecord label, JoinedPrediction prediction)
    {
        if (model.TaskType != ModelTaskType.Regression && prediction.Prediction is not null)
        {
            buffer.Add(new StreamSample(model.Id, model.Name, prediction.Version, StreamSignal.Error, BinaryLabel.SameClass(model.TaskType, prediction.Prediction, label.Label) ? 0.0 : 1.0));
        }
    }

    /// <summary>Queues the committed values without waiting; what does not fit is dropped and counted. Clears the buffer.</summary>
    public void Offer(List<StreamSample> buffer)
    {
        var lost = 0;
        foreach (var sample in buffer)
        {
            if (!channel.Writer.TryWrite(sample))
            {
                lost++;
            }
        }

        buffer.Clear();
        if (lost > 0)
        {
            Interlocked.Add(ref dropped, lost);
            try
            {
                ValuesDropped?.Invoke(lost);
            }
            catch
            {
                // Counting a drop must never fail the commit that is already done.
            }
        }
    }

    void IIngestionCommitListener.Begin() => pending?.Clear();

    void IIngestionCommitListener.AddPrediction(ModelInfo model, PredictionRecord prediction)
    {
        if (pending is not null)
        {
            AddPrediction(pending, model, prediction);
        }
    }

    void IIngestionCommitListener.AddLabel(ModelInfo model, FeedbackRecord label, JoinedPrediction prediction)
    {
        if (pending is not null)
        {
            AddLabel(pending, model, label, prediction);
        }
    }

    void IIngestionCommitListener.Committed()
    {
        if (pending is not null)
        {
            Offer(pending);
        }
    }
}
