using Portal.Data.Entities;

namespace Portal.Web.Features.Ingestion.Storage;

/// <summary>
/// Where the background writer puts raw rows and rollups. One <see cref="IIngestionBatch"/> is one transaction
/// (a group commit). SQLite: prepared statements on one long-lived connection (<see cref="SqliteIngestionStore"/>).
/// PostgreSQL: the same statements through Npgsql for now; binary COPY belongs to the scale-out work.
/// </summary>
public interface IIngestionStore : IDisposable
{
    IIngestionBatch Begin();
}

/// <summary>One transaction. Disposing without <see cref="Commit"/> rolls everything back.</summary>
public interface IIngestionBatch : IDisposable
{
    /// <returns>false when (model, predictionId) is already stored: a duplicate, not stored again.</returns>
    bool InsertPrediction(int modelId, PredictionRecord prediction, long receivedAtMs);

    void EnsureVersion(int modelId, string version);

    /// <summary>The stored prediction a label joins to, or null.</summary>
    JoinedPrediction? FindPrediction(int modelId, string predictionId);

    /// <returns>false when a label for (model, predictionId) is already stored.</returns>
    bool InsertFeedback(int modelId, FeedbackRecord feedback, bool matched, long receivedAtMs);

    void InsertResource(ResourceRecord sample, long receivedAtMs);

    PredictionRollup? LoadPredictionRollup(int modelId, string version, long minuteMs);

    void SavePredictionRollup(PredictionRollup rollup);

    FeatureRollup? LoadFeatureRollup(int modelId, string feature, long minuteMs);

    void SaveFeatureRollup(FeatureRollup rollup);

    QualityRollup? LoadQualityRollup(int modelId, string version, long minuteMs);

    void SaveQualityRollup(QualityRollup rollup);

    ResourceRollup? LoadResourceRollup(string host, long minuteMs);

    void SaveResourceRollup(ResourceRollup rollup);

    void Commit();
}

public sealed record JoinedPrediction(string? Prediction, double? PredictionValue, string? Version, long TimestampMs);
