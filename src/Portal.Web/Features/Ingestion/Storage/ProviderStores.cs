using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Portal.Web.Features.Ingestion.Storage;

/// <summary>
/// SQLite: one writer connection in WAL mode; <c>synchronous</c> per <see cref="IngestionOptions.SqliteSynchronous"/>
/// (FULL by default: each group commit is fsynced before any request in it is answered).
/// </summary>
public sealed class SqliteIngestionStore(string connectionString, string synchronous) : SqlIngestionStore
{
    protected override DbConnection OpenConnection()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        var mode = synchronous.Trim().ToUpperInvariant() is "NORMAL" ? "NORMAL" : "FULL";
        pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={mode}; PRAGMA busy_timeout=30000;";
        pragma.ExecuteNonQuery();
        return connection;
    }
}

/// <summary>
/// PostgreSQL, where several portal nodes write at once. Each group runs in READ COMMITTED:
/// <list type="bullet">
/// <item>its predictions go in by binary COPY into a temporary staging table, then one
/// <c>INSERT … SELECT … ORDER BY key ON CONFLICT DO NOTHING RETURNING key</c> moves them over: a row that another node
/// (or an earlier row of the group) already stored is a duplicate, counted and not stored again; the fixed key order means
/// two nodes inserting overlapping ids wait for each other instead of deadlocking;</item>
/// <item>each touched rollup row is locked (<c>SELECT … FOR UPDATE</c>; a missing one is first created empty with
/// <c>ON CONFLICT DO NOTHING</c>), merged and written back, in key order, so two nodes writing the same minute add up
/// and never overwrite each other.</item>
/// </list>
/// </summary>
public sealed class PostgresIngestionStore(string connectionString) : SqlIngestionStore
{
    private const string Staging = "portal_prediction_staging";

    private const string StagedColumns = "\"ModelId\", \"PredictionId\", \"TimestampMs\", \"ModelVersion\", \"Segment\", \"ExperimentId\", \"Variant\", \"Prediction\", \"PredictionValue\", \"Score\", \"Probabilities\", \"LatencyMs\", \"Error\", \"Features\", \"SchemaViolations\", \"ReceivedAtMs\", \"ExperimentUnit\"";

    protected override string LockSuffix => " FOR UPDATE";

    protected override bool PrepareExplicitly => false;

    protected override IsolationLevel Isolation => IsolationLevel.ReadCommitted;

    protected override bool CreatesMissingRollups => true;

    protected override DbConnection OpenConnection()
    {
        // Statements used more than once are prepared on the server automatically.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = Math.Max(20, new NpgsqlConnectionStringBuilder(connectionString).MaxAutoPrepare) };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        return connection;
    }

    protected override void OnConnectionOpened(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TEMPORARY TABLE IF NOT EXISTS {Staging} (
                "Ordinal" integer NOT NULL, "ModelId" integer NOT NULL, "PredictionId" text NOT NULL, "TimestampMs" bigint NOT NULL,
                "ModelVersion" text, "Segment" text, "ExperimentId" text, "Variant" text, "Prediction" text,
                "PredictionValue" double precision, "Score" double precision, "Probabilities" text, "LatencyMs" double precision,
                "Error" text, "Features" bytea, "SchemaViolations" integer NOT NULL, "ReceivedAtMs" bigint NOT NULL, "ExperimentUnit" text
            ) ON COMMIT DELETE ROWS
            """;
        command.ExecuteNonQuery();
    }

    protected override bool[] InsertPredictions(DbConnection connection, DbTransaction transaction, IReadOnlyList<PredictionRow> rows, long receivedAtMs, Func<PredictionRow, bool> insertOne)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var npgsql = (NpgsqlConnection)connection;
        using (var import = npgsql.BeginBinaryImport($"COPY {Staging} (\"Ordinal\", {StagedColumns}) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var (modelId, p) = rows[i];
                import.StartRow();
                import.Write(i, NpgsqlDbType.Integer);
                import.Write(modelId, NpgsqlDbType.Integer);
                import.Write(p.PredictionId, NpgsqlDbType.Text);
                import.Write(p.TimestampMs, NpgsqlDbType.Bigint);
                WriteText(import, p.ModelVersion);
                WriteText(import, p.Segment);
                WriteText(import, p.ExperimentId);
                WriteText(import, p.Variant);
                WriteText(import, p.Prediction);
                WriteDouble(import, p.PredictionValue);
                WriteDouble(import, p.Score);
                WriteText(import, p.Probabilities);
                WriteDouble(import, p.LatencyMs);
                WriteText(import, p.Error);
                if (p.Features is null)
                {
                    import.WriteNull();
                }
                else
                {
                    import.Write(p.Features, NpgsqlDbType.Bytea);
                }

                import.Write(p.SchemaViolations, NpgsqlDbType.Integer);
                import.Write(receivedAtMs, NpgsqlDbType.Bigint);
                WriteText(import, p.ExperimentUnit);
            }

            import.Complete();
        }

        var inserted = new HashSet<(int, string)>(rows.Count);
        using (var move = npgsql.CreateCommand())
        {
            move.Transaction = (NpgsqlTransaction)transaction;
            move.CommandText = $"""
                INSERT INTO "PredictionEvents" ({StagedColumns})
                SELECT {StagedColumns} FROM {Staging} ORDER BY "ModelId", "PredictionId", "Ordinal"
                ON CONFLICT ("ModelId", "PredictionId") DO NOTHING
                RETURNING "ModelId", "PredictionId"
                """;
            using var reader = move.ExecuteReader();
            while (reader.Read())
            {
                inserted.Add((reader.GetInt32(0), reader.GetString(1)));
            }
        }

        // Within the group the first row of an id (lowest ordinal) is the one stored; later repeats are duplicates.
        var stored = new bool[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            stored[i] = inserted.Remove((rows[i].ModelId, rows[i].Prediction.PredictionId));
        }

        return stored;
    }

    private static void WriteText(NpgsqlBinaryImporter import, string? value)
    {
        if (value is null)
        {
            import.WriteNull();
        }
        else
        {
            import.Write(value, NpgsqlDbType.Text);
        }
    }

    private static void WriteDouble(NpgsqlBinaryImporter import, double? value)
    {
        if (value is { } v)
        {
            import.Write(v, NpgsqlDbType.Double);
        }
        else
        {
            import.WriteNull();
        }
    }
}
