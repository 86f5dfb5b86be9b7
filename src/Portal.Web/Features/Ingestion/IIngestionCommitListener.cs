using Portal.Web.Features.Ingestion.Storage;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Ingestion;

/// <summary>
/// Sees the items the writer stores, so ingestion need not know who listens (the streaming drift detectors do).
/// Called on the writer's thread: <see cref="Begin"/> before a group is written, the Add calls while it is written,
/// <see cref="Committed"/> after its commit. Must be quick and must not throw: ingestion never waits for a listener.
/// </summary>
public interface IIngestionCommitListener
{
    /// <summary>A group is about to be written; forget what an earlier, failed attempt added.</summary>
    void Begin();

    void AddPrediction(ModelInfo model, PredictionRecord prediction);

    /// <summary>A stored label joined to its prediction.</summary>
    void AddLabel(ModelInfo model, FeedbackRecord label, JoinedPrediction prediction);

    /// <summary>The group is committed: what was added since <see cref="Begin"/> is stored.</summary>
    void Committed();
}
