using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Portal.Data;

public static class ClusterStartupLock
{
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
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({ClusterLockKeys.Startup})", connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new AdvisoryLock(connection, ClusterLockKeys.Startup);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// On PostgreSQL, takes the advisory lock <paramref name="key"/> when no other session holds it (null when one does)
    /// and holds it until disposed. PostgreSQL releases it the moment the holder's connection ends, so a node that is
    /// killed never leaves it behind (unlike a row in Hangfire's lock table, which blocks everyone until it times out).
    /// On SQLite (one node) it is always granted and does nothing.
    /// </summary>
    public static async Task<IAsyncDisposable?> TryAcquireClusterLockAsync(this PortalDatabaseInfo database, long key, CancellationToken cancellationToken = default)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            return NoLock.Instance;
        }

        var connection = new NpgsqlConnection(database.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({key})", connection);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new AdvisoryLock(connection, key);
            }

            await connection.DisposeAsync();
            return null;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// On PostgreSQL, waits for the advisory lock <paramref name="key"/> and holds it until the current transaction of
    /// <paramref name="database"/> commits or rolls back (or its session ends), so check-then-insert runs one node at a
    /// time. On SQLite (one node) it does nothing.
    /// </summary>
    public static async Task LockUntilCommitAsync(this DatabaseFacade database, long key, CancellationToken cancellationToken = default)
    {
        if (database.IsNpgsql())
        {
            await database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", cancellationToken);
        }
    }

    private sealed class AdvisoryLock(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({key})", connection);
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
