using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Data;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// Which database the test hosts run on: SQLite (a temporary file per host) unless <c>PORTAL_TEST_PROVIDER=postgres</c>,
/// then a throw-away PostgreSQL cluster (<see cref="PostgresServer"/>, started once per test run, stopped and deleted
/// once the test process has ended) and one database per host, cloned from a template that already holds the migrations and the Hangfire
/// schema, so each host starts in milliseconds and hosts never see each other's rows.
/// </summary>
public static class TestDatabase
{
    public const string ProviderVariable = "PORTAL_TEST_PROVIDER";

    /// <summary>
    /// Trait (<c>[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]</c>) of tests about SQLite itself (its file, or a
    /// portal process on a file); the PostgreSQL pass filters them out (<c>Database!=SqliteOnly</c>).
    /// </summary>
    public const string Trait = "Database";

    public const string SqliteOnly = "SqliteOnly";

    /// <summary>The cluster's <c>portal</c> database, migrated once; every host's database is a copy of it.</summary>
    private const string Template = "portal";

    private static readonly Lazy<Task<PostgresServer>> Server = new(StartPostgresAsync);
    private static readonly SemaphoreSlim CreateOne = new(1, 1);
    private static int databases;

    public static DatabaseProvider Provider { get; } =
        Environment.GetEnvironmentVariable(ProviderVariable)?.Trim().ToLowerInvariant() is "postgres" or "postgresql"
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    /// <summary>
    /// A database for hosts that use it one after the other or side by side (restarts, a second node), on the
    /// provider under test: give it to each <see cref="PortalFactory.ConnectionString"/>; <see cref="DeleteAsync"/> it at the end.
    /// </summary>
    public static async Task<string> CreateAsync() =>
        Provider == DatabaseProvider.Postgres
            ? await CreatePostgresAsync()
            : $"Data Source={Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.db")}";

    public static async Task DeleteAsync(string connectionString)
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            await DropPostgresAsync(connectionString);
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(path);
        }
    }

    /// <summary>A new, migrated, empty PostgreSQL database; its connection string.</summary>
    public static async Task<string> CreatePostgresAsync()
    {
        var server = await Server.Value;
        var name = $"portal_{Interlocked.Increment(ref databases)}";
        // CREATE DATABASE … TEMPLATE fails while another session uses the template; creations themselves are serialised.
        await CreateOne.WaitAsync();
        try
        {
            await server.ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {Template}", "postgres");
        }
        finally
        {
            CreateOne.Release();
        }

        return server.ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreatePostgresAsync"/>, closing what the host left open.</summary>
    public static async Task DropPostgresAsync(string connectionString)
    {
        var server = await Server.Value;
        using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await server.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", "postgres");
    }

    private static async Task<PostgresServer> StartPostgresAsync()
    {
        var server = await PostgresServer.StartAsync();
        server.StopWhenProcessEnds(Environment.ProcessId);
        try
        {
            // The template gets what a host does at start-up: the portal's migrations and Hangfire's schema.
            var connectionString = server.ConnectionString(Template);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                [DataServiceCollectionExtensions.ProviderKey] = "Postgres",
                [$"ConnectionStrings:{DataServiceCollectionExtensions.ConnectionName}"] = connectionString,
            }).Build();
            await using (var services = new ServiceCollection().AddPortalData(configuration).BuildServiceProvider())
            {
                await services.MigratePortalDatabaseAsync();
            }

            var options = PostgresJobStorage.Options();
            _ = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
            NpgsqlConnection.ClearAllPools();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}
