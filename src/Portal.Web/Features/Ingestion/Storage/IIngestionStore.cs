using Portal.Data.Entities;

namespace Portal.Web.Features.Ingestion.Storage;

/// <summary>
/// Where the background writer puts raw rows and rollups. One <see cref="IIngestionBatch"/> is one transaction
/// (a group commit). SQLite: prepared statements on one long-lived connection (<see cref="SqliteIngestionStore"/>).
/// PostgreSQL: binary COPY of a group's predictions into a staging table, rollup rows locked per key so several
/// nodes add up (<see cref="PostgresIngestionStore"/>).
/// </summary>
public interface IIngestionStore : IDisposable
{
    IIngestionBatch Begin();
}

/// <summary>One transaction. Disposing without <see cref="Commit"/> rolls everything back.</summary>
public interface IIngestionBatch : IDisposable
{
    /// <summary>Stores a group's predictions (any models, in order).</summary>
    /// <returns>Per row: false when (model, predictionId) is already stored, or repeated earlier in
    /// <paramref name="rows"/>: a duplicate, not stored again.</returns>
    bool[] InsertPredictions(IReadOnlyList<PredictionRow> rows, long receivedAtMs);

    void EnsureVersion(int modelId, string version);

    /// <summary>The stored prediction a label joins to, or null.</summary>
    JoinedPrediction? FindPrediction(int modelId, string predictionId);

    /// <returns>false when a label for (model, predictionId) is already stored.</returns>
    bool InsertFeedback(int modelId, FeedbackRecord feedback, bool matched, long receivedAtMs);

    void InsertResource(ResourceRecord sample, long receivedAtMs);

    PredictionRollup? LoadPredictionRollup(int modelId, string version, long minuteMs);

    void SavePredictionRollup(PredictionRollup rollup);

    PredictionHourRollup? LoadPredictionHourRollup(int modelId, string version, long hourMs);

    void SavePredictionHourRollup(PredictionHourRollup rollup);

    /// <summary>Every class (true or predicted) the confusion rollup of a minute already counts.</summary>
    IReadOnlySet<string> LoadConfusionClasses(int modelId, string version, long minuteMs);

    /// <summary>
    /// Adds <see cref="ConfusionRollup.Count"/> to the stored pair in one statement (<c>INSERT … ON CONFLICT DO UPDATE SET
    /// "Count" = "Count" + excluded."Count"</c>): the database adds, so writers on several nodes never overwrite each other.
    /// </summary>
    void AddConfusionCount(ConfusionRollup delta);

    FeatureRollup? LoadFeatureRollup(int modelId, string feature, long minuteMs);

    void SaveFeatureRollup(FeatureRollup rollup);

    QualityRollup? LoadQualityRollup(int modelId, string version, long minuteMs);

    void SaveQualityRollup(QualityRollup rollup);

    QualityHourRollup? LoadQualityHourRollup(int modelId, string version, long hourMs);

    void SaveQualityHourRollup(QualityHourRollup rollup);

    ResourceRollup? LoadResourceRollup(string host, long minuteMs);

    void SaveResourceRollup(ResourceRollup rollup);

    void Commit();
}

/// <summary>A prediction of one model, as the writer hands it to <see cref="IIngestionBatch.InsertPredictions"/>.</summary>
public readonly record struct PredictionRow(int ModelId, PredictionRecord Prediction);

public sealed record JoinedPrediction(string? Prediction, double? PredictionValue, string? Version, long TimestampMs);
