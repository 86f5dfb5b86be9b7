using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Portal.Data;

public static class ClusterStartupLock
{
    /// <summary>Key of the PostgreSQL advisory lock taken while a node migrates and seeds (any constant all nodes agree on).</summary>
    public const long AdvisoryLockKey = 0x504F5254414C; // "PORTAL"

    /// <summary>
    /// On PostgreSQL, waits until no other portal node is starting up and holds the database-wide advisory lock until
    /// disposed, so migrations, the Hangfire schema and the first users are created by one node at a time (nodes started
    /// together would otherwise race on the same tables and rows). On SQLite (one node) it does nothing.
    /// </summary>
    public static async Task<IAsyncDisposable> AcquireStartupLockAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var database = services.GetRequiredService<PortalDatabaseInfo>();
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return NoLock.Instance;
        }

        var connection = new NpgsqlConnection(database.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryLockKey})", connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new AdvisoryLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class AdvisoryLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({AdvisoryLockKey})", connection);
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                // Closing the session releases the lock in any case.
                await connection.DisposeAsync();
            }
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
