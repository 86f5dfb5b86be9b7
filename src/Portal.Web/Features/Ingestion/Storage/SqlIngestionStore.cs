using System.Data;
using System.Data.Common;
using Portal.Data.Entities;

namespace Portal.Web.Features.Ingestion.Storage;

/// <summary>
/// The writer's statements in SQL that SQLite (3.24+) and PostgreSQL both accept (quoted identifiers,
/// <c>ON CONFLICT</c> upserts, named parameters), prepared once on one long-lived connection and reused by every
/// transaction. After any failure the connection is dropped and opened afresh by the next <see cref="Begin"/>.
/// Providers may replace the row-by-row prediction insert (<see cref="InsertPredictions"/>) and lock rollup rows
/// (<see cref="LockSuffix"/>, <see cref="CreatesMissingRollups"/>) when several writers share the database.
/// </summary>
public abstract class SqlIngestionStore : IIngestionStore
{
    private const string PredictionColumns = "\"ModelId\", \"PredictionId\", \"TimestampMs\", \"ModelVersion\", \"Segment\", \"ExperimentId\", \"Variant\", \"Prediction\", \"PredictionValue\", \"Score\", \"Probabilities\", \"LatencyMs\", \"Error\", \"Features\", \"SchemaViolations\", \"ReceivedAtMs\", \"ExperimentUnit\"";
    private const string PredictionSumColumns = "\"Count\", \"Errors\", \"SchemaViolations\", \"LatencyCount\", \"LatencySumMs\", \"LatencyMaxMs\", \"LatencyBuckets\", \"ScoreCount\", \"ScoreSum\", \"ScoreBins\", \"ClassCounts\", \"LowConfidence\", \"ValueCount\", \"ValueSum\", \"ValueSumSq\"";
    private const string PredictionRollupColumns = "\"ModelId\", \"Version\", \"MinuteMs\", " + PredictionSumColumns;
    private const string PredictionHourRollupColumns = "\"ModelId\", \"Version\", \"HourMs\", " + PredictionSumColumns;
    private const string ConfusionRollupColumns = "\"ModelId\", \"Version\", \"MinuteMs\", \"TrueClass\", \"PredictedClass\", \"Count\"";
    private const string FeatureRollupColumns = "\"ModelId\", \"Feature\", \"MinuteMs\", \"Type\", \"Count\", \"Missing\", \"OutOfRange\", \"NewCategories\", \"Min\", \"Max\", \"Sum\", \"SumSq\", \"Sketch\"";
    private const string QualitySumColumns = "\"Labelled\", \"Correct\", \"TruePositives\", \"FalsePositives\", \"FalseNegatives\", \"TrueNegatives\", \"AbsErrorSum\", \"SqErrorSum\", \"LabelSum\", \"LabelSumSq\"";
    private const string QualityRollupColumns = "\"ModelId\", \"Version\", \"MinuteMs\", " + QualitySumColumns;
    private const string QualityHourRollupColumns = "\"ModelId\", \"Version\", \"HourMs\", " + QualitySumColumns;
    private const string ResourceRollupColumns = "\"Host\", \"MinuteMs\", \"ModelId\", \"Samples\", \"CpuSamples\", \"MemorySamples\", \"GpuSamples\", \"CpuSum\", \"CpuMax\", \"MemoryPercentSum\", \"MemoryBytesMax\", \"GpuSum\", \"GpuMax\", \"GpuMemoryBytesMax\"";

    private Statements? statements;

    protected abstract DbConnection OpenConnection();

    /// <summary>Appended to the rollup SELECTs ("FOR UPDATE" on PostgreSQL, so concurrent nodes serialise per row).</summary>
    protected virtual string LockSuffix => "";

    /// <summary>Whether statements are prepared explicitly when created (SQLite). Npgsql needs parameter types for that,
    /// so PostgreSQL relies on its automatic preparation instead.</summary>
    protected virtual bool PrepareExplicitly => true;

    /// <summary>Isolation of each group's transaction.</summary>
    protected virtual IsolationLevel Isolation => IsolationLevel.Serializable;

    /// <summary>
    /// When a rollup row is missing, insert it empty (<c>ON CONFLICT DO NOTHING</c>) and load it again under its lock,
    /// so two writers that both found nothing cannot overwrite each other's first delta (PostgreSQL).
    /// </summary>
    protected virtual bool CreatesMissingRollups => false;

    /// <summary>Called once on each new connection, before the statements are prepared.</summary>
    protected virtual void OnConnectionOpened(DbConnection connection)
    {
    }

    /// <summary>Stores a group's predictions; by default row by row with the prepared <c>INSERT … ON CONFLICT DO NOTHING</c>.</summary>
    protected virtual bool[] InsertPredictions(DbConnection connection, DbTransaction transaction, IReadOnlyList<PredictionRow> rows, long receivedAtMs, Func<PredictionRow, bool> insertOne)
    {
        var stored = new bool[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            stored[i] = insertOne(rows[i]);
        }

        return stored;
    }

    public IIngestionBatch Begin()
    {
        if (statements is null)
        {
            var connection = OpenConnection();
            try
            {
                OnConnectionOpened(connection);
                statements = Prepare(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        try
        {
            return new Batch(this, statements);
        }
        catch
        {
            Reset();
            throw;
        }
    }

    private void Reset()
    {
        statements?.Dispose();
        statements = null;
    }

    public void Dispose()
    {
        Reset();
        GC.SuppressFinalize(this);
    }

    private Statements Prepare(DbConnection connection) => new(connection)
    {
        InsertPrediction = Command(connection, $"INSERT INTO \"PredictionEvents\" ({PredictionColumns}) VALUES ({Params(17)}) ON CONFLICT (\"ModelId\", \"PredictionId\") DO NOTHING", 17),
        EnsureVersion = Command(connection, "INSERT INTO \"ModelVersions\" (\"ModelId\", \"Version\", \"CreatedAt\") VALUES (@p0, @p1, @p2) ON CONFLICT (\"ModelId\", \"Version\") DO NOTHING", 3),
        FindPrediction = Command(connection, "SELECT \"Prediction\", \"PredictionValue\", \"ModelVersion\", \"TimestampMs\" FROM \"PredictionEvents\" WHERE \"ModelId\" = @p0 AND \"PredictionId\" = @p1", 2),
        InsertFeedback = Command(connection, "INSERT INTO \"FeedbackLabels\" (\"ModelId\", \"PredictionId\", \"Label\", \"LabelValue\", \"TimestampMs\", \"Matched\", \"ReceivedAtMs\") VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6) ON CONFLICT (\"ModelId\", \"PredictionId\") DO NOTHING", 7),
        InsertResource = Command(connection, "INSERT INTO \"ResourceSamples\" (\"Host\", \"ModelId\", \"TimestampMs\", \"CpuPercent\", \"MemoryBytes\", \"MemoryPercent\", \"GpuPercent\", \"GpuMemoryBytes\", \"ReceivedAtMs\") VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8)", 9),
        LoadPredictionRollup = Command(connection, $"SELECT {PredictionRollupColumns} FROM \"PredictionRollups\" WHERE \"ModelId\" = @p0 AND \"Version\" = @p1 AND \"MinuteMs\" = @p2{LockSuffix}", 3),
        SavePredictionRollup = Command(connection, Upsert("PredictionRollups", PredictionRollupColumns, 18, 3), 18),
        LoadPredictionHourRollup = Command(connection, $"SELECT {PredictionHourRollupColumns} FROM \"PredictionHourRollups\" WHERE \"ModelId\" = @p0 AND \"Version\" = @p1 AND \"HourMs\" = @p2{LockSuffix}", 3),
        SavePredictionHourRollup = Command(connection, Upsert("PredictionHourRollups", PredictionHourRollupColumns, 18, 3), 18),
        LoadConfusionClasses = Command(connection, "SELECT \"TrueClass\", \"PredictedClass\" FROM \"ConfusionRollups\" WHERE \"ModelId\" = @p0 AND \"Version\" = @p1 AND \"MinuteMs\" = @p2", 3),
        AddConfusionCount = Command(connection, $"INSERT INTO \"ConfusionRollups\" ({ConfusionRollupColumns}) VALUES ({Params(6)}) ON CONFLICT (\"ModelId\", \"Version\", \"MinuteMs\", \"TrueClass\", \"PredictedClass\") DO UPDATE SET \"Count\" = \"ConfusionRollups\".\"Count\" + excluded.\"Count\"", 6),
        LoadFeatureRollup = Command(connection, $"SELECT {FeatureRollupColumns} FROM \"FeatureRollups\" WHERE \"ModelId\" = @p0 AND \"Feature\" = @p1 AND \"MinuteMs\" = @p2{LockSuffix}", 3),
        SaveFeatureRollup = Command(connection, Upsert("FeatureRollups", FeatureRollupColumns, 13, 3), 13),
        LoadQualityRollup = Command(connection, $"SELECT {QualityRollupColumns} FROM \"QualityRollups\" WHERE \"ModelId\" = @p0 AND \"Version\" = @p1 AND \"MinuteMs\" = @p2{LockSuffix}", 3),
        SaveQualityRollup = Command(connection, Upsert("QualityRollups", QualityRollupColumns, 13, 3), 13),
        LoadQualityHourRollup = Command(connection, $"SELECT {QualityHourRollupColumns} FROM \"QualityHourRollups\" WHERE \"ModelId\" = @p0 AND \"Version\" = @p1 AND \"HourMs\" = @p2{LockSuffix}", 3),
        SaveQualityHourRollup = Command(connection, Upsert("QualityHourRollups", QualityHourRollupColumns, 13, 3), 13),
        CreateQualityHourRollup = Command(connection, InsertIfMissing("QualityHourRollups", QualityHourRollupColumns, 13, 3), 13),
        LoadResourceRollup = Command(connection, $"SELECT {ResourceRollupColumns} FROM \"ResourceRollups\" WHERE \"Host\" = @p0 AND \"MinuteMs\" = @p1{LockSuffix}", 2),
        SaveResourceRollup = Command(connection, Upsert("ResourceRollups", ResourceRollupColumns, 14, 2), 14),
        CreatePredictionRollup = Command(connection, InsertIfMissing("PredictionRollups", PredictionRollupColumns, 18, 3), 18),
        CreatePredictionHourRollup = Command(connection, InsertIfMissing("PredictionHourRollups", PredictionHourRollupColumns, 18, 3), 18),
        CreateFeatureRollup = Command(connection, InsertIfMissing("FeatureRollups", FeatureRollupColumns, 13, 3), 13),
        CreateQualityRollup = Command(connection, InsertIfMissing("QualityRollups", QualityRollupColumns, 13, 3), 13),
        CreateResourceRollup = Command(connection, InsertIfMissing("ResourceRollups", ResourceRollupColumns, 14, 2), 14),
    };

    private static string Params(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"@p{i}"));

    /// <summary>INSERT … ON CONFLICT (key) DO UPDATE SET every other column to the new value.</summary>
    private static string Upsert(string table, string columns, int count, int keyColumns)
    {
        var names = columns.Split(", ");
        var key = string.Join(", ", names.Take(keyColumns));
        var set = string.Join(", ", names.Skip(keyColumns).Select(c => $"{c} = excluded.{c}"));
        return $"INSERT INTO \"{table}\" ({columns}) VALUES ({Params(count)}) ON CONFLICT ({key}) DO UPDATE SET {set}";
    }

    /// <summary>INSERT … ON CONFLICT (key) DO NOTHING: creates a rollup row unless it exists.</summary>
    private static string InsertIfMissing(string table, string columns, int count, int keyColumns)
    {
        var key = string.Join(", ", columns.Split(", ").Take(keyColumns));
        return $"INSERT INTO \"{table}\" ({columns}) VALUES ({Params(count)}) ON CONFLICT ({key}) DO NOTHING";
    }

    private DbCommand Command(DbConnection connection, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = $"@p{i}";
            command.Parameters.Add(p);
        }

        if (PrepareExplicitly)
        {
            command.Prepare();
        }

        return command;
    }

    private sealed class Statements(DbConnection connection) : IDisposable
    {
        public DbConnection Connection => connection;

        public required DbCommand InsertPrediction { get; init; }

        public required DbCommand EnsureVersion { get; init; }

        public required DbCommand FindPrediction { get; init; }

        public required DbCommand InsertFeedback { get; init; }

        public required DbCommand InsertResource { get; init; }

        public required DbCommand LoadPredictionRollup { get; init; }

        public required DbCommand SavePredictionRollup { get; init; }

        public required DbCommand LoadPredictionHourRollup { get; init; }

        public required DbCommand SavePredictionHourRollup { get; init; }

        public required DbCommand CreatePredictionHourRollup { get; init; }

        public required DbCommand LoadConfusionClasses { get; init; }

        public required DbCommand LoadQualityHourRollup { get; init; }

        public required DbCommand SaveQualityHourRollup { get; init; }

        public required DbCommand CreateQualityHourRollup { get; init; }

        public required DbCommand AddConfusionCount { get; init; }

        public required DbCommand LoadFeatureRollup { get; init; }

        public required DbCommand SaveFeatureRollup { get; init; }

        public required DbCommand LoadQualityRollup { get; init; }

        public required DbCommand SaveQualityRollup { get; init; }

        public required DbCommand LoadResourceRollup { get; init; }

        public required DbCommand SaveResourceRollup { get; init; }

        public required DbCommand CreatePredictionRollup { get; init; }

        public required DbCommand CreateFeatureRollup { get; init; }

        public required DbCommand CreateQualityRollup { get; init; }

        public required DbCommand CreateResourceRollup { get; init; }

        public IEnumerable<DbCommand> All =>
        [
            InsertPrediction, EnsureVersion, FindPrediction, InsertFeedback, InsertResource, LoadPredictionRollup, SavePredictionRollup,
            LoadFeatureRollup, SaveFeatureRollup, LoadQualityRollup, SaveQualityRollup, LoadResourceRollup, SaveResourceRollup,
            CreatePredictionRollup, CreateFeatureRollup, CreateQualityRollup, CreateResourceRollup,
            LoadPredictionHourRollup, SavePredictionHourRollup, CreatePredictionHourRollup, LoadConfusionClasses, AddConfusionCount,
            LoadQualityHourRollup, SaveQualityHourRollup, CreateQualityHourRollup,
        ];

        public void Dispose()
        {
            foreach (var command in All)
            {
                command.Dispose();
            }

            connection.Dispose();
        }
    }

    private sealed class Batch : IIngestionBatch
    {
        private readonly SqlIngestionStore store;
        private readonly Statements s;
        private readonly DbTransaction transaction;
        private bool done;

        public Batch(SqlIngestionStore store, Statements statements)
        {
            this.store = store;
            s = statements;
            transaction = s.Connection.BeginTransaction(store.Isolation);
            foreach (var command in s.All)
            {
                command.Transaction = transaction;
            }
        }

        public bool[] InsertPredictions(IReadOnlyList<PredictionRow> rows, long receivedAtMs) =>
            Guard(() => store.InsertPredictions(s.Connection, transaction, rows, receivedAtMs, row => InsertOne(row, receivedAtMs)));

        private bool InsertOne(PredictionRow row, long receivedAtMs)
        {
            var p = row.Prediction;
            return Execute(
                s.InsertPrediction, row.ModelId, p.PredictionId, p.TimestampMs, p.ModelVersion, p.Segment, p.ExperimentId, p.Variant, p.Prediction,
                p.PredictionValue, p.Score, p.Probabilities, p.LatencyMs, p.Error, p.Features, p.SchemaViolations, receivedAtMs, p.ExperimentUnit) == 1;
        }

        public void EnsureVersion(int modelId, string version) => Execute(s.EnsureVersion, modelId, version, DateTimeOffset.UtcNow);

        public JoinedPrediction? FindPrediction(int modelId, string predictionId)
        {
            Bind(s.FindPrediction, modelId, predictionId);
            using var reader = s.FindPrediction.ExecuteReader();
            return reader.Read()
                ? new JoinedPrediction(TextOrNull(reader, 0), DoubleOrNull(reader, 1), TextOrNull(reader, 2), reader.GetInt64(3))
                : null;
        }

        public bool InsertFeedback(int modelId, FeedbackRecord f, bool matched, long receivedAtMs) =>
            Execute(s.InsertFeedback, modelId, f.PredictionId, f.Label, f.LabelValue, f.TimestampMs, matched, receivedAtMs) == 1;

        public void InsertResource(ResourceRecord r, long receivedAtMs) => Execute(
            s.InsertResource, r.Host, r.Model?.Id, r.TimestampMs, r.CpuPercent, r.MemoryBytes, r.MemoryPercent, r.GpuPercent, r.GpuMemoryBytes, receivedAtMs);

        public PredictionRollup? LoadPredictionRollup(int modelId, string version, long minuteMs) =>
            Load(s.LoadPredictionRollup, [modelId, version, minuteMs], s.CreatePredictionRollup, () => Values(new PredictionRollup { ModelId = modelId, Version = version, MinuteMs = minuteMs }), r =>
                ReadSums(r, new PredictionRollup { ModelId = r.GetInt32(0), Version = r.GetString(1), MinuteMs = r.GetInt64(2) }));

        public void SavePredictionRollup(PredictionRollup r) => Execute(s.SavePredictionRollup, Values(r));

        private static object?[] Values(PredictionRollup r) => Values(r, r.MinuteMs);

        public PredictionHourRollup? LoadPredictionHourRollup(int modelId, string version, long hourMs) =>
            Load(s.LoadPredictionHourRollup, [modelId, version, hourMs], s.CreatePredictionHourRollup, () => Values(new PredictionHourRollup { ModelId = modelId, Version = version, HourMs = hourMs }), r =>
                ReadSums(r, new PredictionHourRollup { ModelId = r.GetInt32(0), Version = r.GetString(1), HourMs = r.GetInt64(2) }));

        public void SavePredictionHourRollup(PredictionHourRollup r) => Execute(s.SavePredictionHourRollup, Values(r));

        private static object?[] Values(PredictionHourRollup r) => Values(r, r.HourMs);

        /// <summary>Columns 3… of a prediction rollup row (after model, version and start).</summary>
        private static T ReadSums<T>(DbDataReader r, T row)
            where T : PredictionSums
        {
            row.Count = r.GetInt64(3);
            row.Errors = r.GetInt64(4);
            row.SchemaViolations = r.GetInt64(5);
            row.LatencyCount = r.GetInt64(6);
            row.LatencySumMs = r.GetDouble(7);
            row.LatencyMaxMs = r.GetDouble(8);
            row.LatencyBuckets = r.GetString(9);
            row.ScoreCount = r.GetInt64(10);
            row.ScoreSum = r.GetDouble(11);
            row.ScoreBins = r.GetString(12);
            row.ClassCounts = r.GetString(13);
            row.LowConfidence = r.GetInt64(14);
            row.ValueCount = r.GetInt64(15);
            row.ValueSum = r.GetDouble(16);
            row.ValueSumSq = r.GetDouble(17);
            return row;
        }

        private static object?[] Values(PredictionSums r, long startMs) =>
        [
            r.ModelId, r.Version, startMs, r.Count, r.Errors, r.SchemaViolations, r.LatencyCount, r.LatencySumMs, r.LatencyMaxMs,
            r.LatencyBuckets, r.ScoreCount, r.ScoreSum, r.ScoreBins, r.ClassCounts, r.LowConfidence, r.ValueCount, r.ValueSum, r.ValueSumSq,
        ];

        public IReadOnlySet<string> LoadConfusionClasses(int modelId, string version, long minuteMs)
        {
            Bind(s.LoadConfusionClasses, modelId, version, minuteMs);
            return Guard(() =>
            {
                var classes = new HashSet<string>(StringComparer.Ordinal);
                using var reader = s.LoadConfusionClasses.ExecuteReader();
                while (reader.Read())
                {
                    classes.Add(reader.GetString(0));
                    classes.Add(reader.GetString(1));
                }

                return classes;
            });
        }

        public void AddConfusionCount(ConfusionRollup r) =>
            Execute(s.AddConfusionCount, r.ModelId, r.Version, r.MinuteMs, r.TrueClass, r.PredictedClass, r.Count);

        public FeatureRollup? LoadFeatureRollup(int modelId, string feature, long minuteMs) =>
            Load(s.LoadFeatureRollup, [modelId, feature, minuteMs], s.CreateFeatureRollup, () => Values(new FeatureRollup { ModelId = modelId, Feature = feature, MinuteMs = minuteMs }), r => new FeatureRollup
            {
                ModelId = r.GetInt32(0), Feature = r.GetString(1), MinuteMs = r.GetInt64(2), Type = Enum.Parse<FeatureType>(r.GetString(3)),
                Count = r.GetInt64(4), Missing = r.GetInt64(5), OutOfRange = r.GetInt64(6), NewCategories = r.GetInt64(7),
                Min = DoubleOrNull(r, 8), Max = DoubleOrNull(r, 9), Sum = r.GetDouble(10), SumSq = r.GetDouble(11), Sketch = r.GetString(12),
            });

        public void SaveFeatureRollup(FeatureRollup r) => Execute(s.SaveFeatureRollup, Values(r));

        private static object?[] Values(FeatureRollup r) =>
            [r.ModelId, r.Feature, r.MinuteMs, r.Type.ToString(), r.Count, r.Missing, r.OutOfRange, r.NewCategories, r.Min, r.Max, r.Sum, r.SumSq, r.Sketch];

        public QualityRollup? LoadQualityRollup(int modelId, string version, long minuteMs) =>
            Load(s.LoadQualityRollup, [modelId, version, minuteMs], s.CreateQualityRollup, () => Values(new QualityRollup { ModelId = modelId, Version = version, MinuteMs = minuteMs }), r =>
                ReadQualitySums(r, new QualityRollup { ModelId = r.GetInt32(0), Version = r.GetString(1), MinuteMs = r.GetInt64(2) }));

        public void SaveQualityRollup(QualityRollup r) => Execute(s.SaveQualityRollup, Values(r));

        private static object?[] Values(QualityRollup r) => Values(r, r.MinuteMs);

        public QualityHourRollup? LoadQualityHourRollup(int modelId, string version, long hourMs) =>
            Load(s.LoadQualityHourRollup, [modelId, version, hourMs], s.CreateQualityHourRollup, () => Values(new QualityHourRollup { ModelId = modelId, Version = version, HourMs = hourMs }), r =>
                ReadQualitySums(r, new QualityHourRollup { ModelId = r.GetInt32(0), Version = r.GetString(1), HourMs = r.GetInt64(2) }));

        public void SaveQualityHourRollup(QualityHourRollup r) => Execute(s.SaveQualityHourRollup, Values(r));

        private static object?[] Values(QualityHourRollup r) => Values(r, r.HourMs);

        private static T ReadQualitySums<T>(DbDataReader r, T row)
            where T : QualitySums
        {
            row.Labelled = r.GetInt64(3);
            row.Correct = r.GetInt64(4);
            row.TruePositives = r.GetInt64(5);
            row.FalsePositives = r.GetInt64(6);
            row.FalseNegatives = r.GetInt64(7);
            row.TrueNegatives = r.GetInt64(8);
            row.AbsErrorSum = r.GetDouble(9);
            row.SqErrorSum = r.GetDouble(10);
            row.LabelSum = r.GetDouble(11);
            row.LabelSumSq = r.GetDouble(12);
            return row;
        }

        private static object?[] Values(QualitySums r, long startMs) =>
        [
            r.ModelId, r.Version, startMs, r.Labelled, r.Correct, r.TruePositives, r.FalsePositives, r.FalseNegatives, r.TrueNegatives,
            r.AbsErrorSum, r.SqErrorSum, r.LabelSum, r.LabelSumSq,
        ];

        public ResourceRollup? LoadResourceRollup(string host, long minuteMs) =>
            Load(s.LoadResourceRollup, [host, minuteMs], s.CreateResourceRollup, () => Values(new ResourceRollup { Host = host, MinuteMs = minuteMs }), r => new ResourceRollup
            {
                Host = r.GetString(0), MinuteMs = r.GetInt64(1), ModelId = r.GetInt32(2), Samples = r.GetInt64(3), CpuSamples = r.GetInt64(4),
                MemorySamples = r.GetInt64(5), GpuSamples = r.GetInt64(6), CpuSum = r.GetDouble(7), CpuMax = r.GetDouble(8), MemoryPercentSum = r.GetDouble(9),
                MemoryBytesMax = r.GetInt64(10), GpuSum = r.GetDouble(11), GpuMax = r.GetDouble(12), GpuMemoryBytesMax = r.GetInt64(13),
            });

        public void SaveResourceRollup(ResourceRollup r) => Execute(s.SaveResourceRollup, Values(r));

        private static object?[] Values(ResourceRollup r) =>
        [
            r.Host, r.MinuteMs, r.ModelId, r.Samples, r.CpuSamples, r.MemorySamples, r.GpuSamples, r.CpuSum, r.CpuMax,
            r.MemoryPercentSum, r.MemoryBytesMax, r.GpuSum, r.GpuMax, r.GpuMemoryBytesMax,
        ];

        public void Commit()
        {
            Guard(() => transaction.Commit());
            done = true;
        }

        public void Dispose()
        {
            try
            {
                if (!done)
                {
                    transaction.Rollback();
                }

                transaction.Dispose();
            }
            catch
            {
                store.Reset();
            }
        }

        private static void Bind(DbCommand command, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
        }

        private int Execute(DbCommand command, params object?[] values)
        {
            Bind(command, values);
            return Guard(command.ExecuteNonQuery);
        }

        /// <summary>The stored rollup row, or null; with <see cref="CreatesMissingRollups"/> a missing row is created empty
        /// and loaded again, so it is locked (<see cref="LockSuffix"/>) like an existing one.</summary>
        private T? Load<T>(DbCommand command, object?[] key, DbCommand create, Func<object?[]> empty, Func<DbDataReader, T> read)
            where T : class
        {
            var row = Load(command, key, read);
            if (row is not null || !store.CreatesMissingRollups)
            {
                return row;
            }

            Execute(create, empty());
            return Load(command, key, read) ?? throw new InvalidOperationException($"A rollup row created by {create.CommandText} could not be read back.");
        }

        private T? Load<T>(DbCommand command, object?[] key, Func<DbDataReader, T> read)
            where T : class
        {
            Bind(command, key);
            return Guard(() =>
            {
                using var reader = command.ExecuteReader();
                return reader.Read() ? read(reader) : null;
            });
        }

        /// <summary>A failed statement leaves the connection in an unknown state: drop it so the next batch starts clean.</summary>
        private T Guard<T>(Func<T> action)
        {
            try
            {
                return action();
            }
            catch
            {
                done = true;
                try
                {
                    transaction.Rollback();
                }
                catch
                {
                    // The connection is dropped below either way.
                }

                store.Reset();
                throw;
            }
        }

        private void Guard(Action action) => Guard(() =>
        {
            action();
            return 0;
        });

        private static string? TextOrNull(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

        private static double? DoubleOrNull(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
    }
}
