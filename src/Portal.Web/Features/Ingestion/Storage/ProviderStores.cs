using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

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

/// <summary>PostgreSQL: the same prepared statements one row at a time (binary COPY comes with the scale-out work).</summary>
public sealed class PostgresIngestionStore(string connectionString) : SqlIngestionStore
{
    protected override string LockSuffix => " FOR UPDATE";

    protected override bool PrepareExplicitly => false;

    protected override DbConnection OpenConnection()
    {
        // Statements used more than once are prepared on the server automatically.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = Math.Max(20, new NpgsqlConnectionStringBuilder(connectionString).MaxAutoPrepare) };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        return connection;
    }
}
