using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Data;

public static class DataServiceCollectionExtensions
{
    public const string ProviderKey = "Portal:Database:Provider";
    public const string ConnectionName = "Portal";
    public const string DefaultSqlite = "Data Source=data/portal.db";

    public static DatabaseProvider ReadProvider(IConfiguration configuration)
    {
        var text = configuration[ProviderKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DatabaseProvider.Sqlite;
        }

        return text.Trim().ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException($"{ProviderKey} is '{text}'; use Sqlite or Postgres."),
        };
    }

    /// <summary>
    /// Registers <see cref="IDbContextFactory{PortalDbContext}"/> (one short-lived context per operation: what services
    /// used by Blazor pages take) and a scoped <see cref="PortalDbContext"/> (one per request or job run: endpoints,
    /// Identity, jobs) on SQLite (default, file in WAL mode) or PostgreSQL per <c>Portal:Database:Provider</c> and
    /// <c>ConnectionStrings:Portal</c>.
    /// </summary>
    public static IServiceCollection AddPortalData(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = ReadProvider(configuration);
        var connectionString = configuration.GetConnectionString(ConnectionName);
        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is required when {ProviderKey} is Postgres.");
            }

            services.AddDbContextFactory<PostgresPortalDbContext>(o => o.UseNpgsql(connectionString));
            AddPortalContexts<PostgresPortalDbContext>(services);
        }
        else
        {
            connectionString = PrepareSqlite(connectionString ?? DefaultSqlite);
            services.AddDbContextFactory<SqlitePortalDbContext>(o => o.UseSqlite(connectionString));
            AddPortalContexts<SqlitePortalDbContext>(services);
        }

        services.AddSingleton(new PortalDatabaseInfo(provider, connectionString));
        return services;
    }

    /// <summary>
    /// Exposes the provider's context as the provider-neutral <see cref="PortalDbContext"/>: the factory for services,
    /// the scoped instance (which AddDbContextFactory also registers) for the rest.
    /// </summary>
    private static void AddPortalContexts<TContext>(IServiceCollection services)
        where TContext : PortalDbContext
    {
        services.AddSingleton<IDbContextFactory<PortalDbContext>>(sp => new PortalContextFactory<TContext>(sp.GetRequiredService<IDbContextFactory<TContext>>()));
        services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<TContext>());
    }

    private sealed class PortalContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PortalDbContext>
        where TContext : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }

    /// <summary>
    /// Creates the folder of a SQLite file so the first <c>dotnet run</c> just works, and the file itself readable by
    /// this user only (0600) before SQLite opens it: it holds password hashes, key hashes and encrypted secrets.
    /// </summary>
    private static string PrepareSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (SqliteFile(builder.ToString()) is { } file && Path.GetDirectoryName(file) is { } folder)
        {
            Directory.CreateDirectory(folder);
            CreateOwnerOnly(file);
            RestrictSqliteFiles(builder.ToString());
        }

        return builder.ToString();
    }

    /// <summary>The full path of a SQLite database file, or null for an in-memory database.</summary>
    public static string? SqliteFile(string connectionString) =>
        new SqliteConnectionStringBuilder(connectionString).DataSource is { Length: > 0 } file && file != ":memory:" && !file.StartsWith("file::memory:", StringComparison.Ordinal)
            ? Path.GetFullPath(file)
            : null;

    /// <summary>
    /// Sets mode 0600 on the database file and its -wal, -shm and -journal companions (SQLite gives those the main
    /// file's mode, but an older file may be 0644). A chmod, so the process umask plays no part.
    /// </summary>
    public static void RestrictSqliteFiles(string connectionString)
    {
        if (OperatingSystem.IsWindows() || SqliteFile(connectionString) is not { } file)
        {
            return;
        }

        foreach (var path in new[] { file, file + "-wal", file + "-shm", file + "-journal" })
        {
            if (File.Exists(path))
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }

    private static void CreateOwnerOnly(string file)
    {
        if (OperatingSystem.IsWindows() || File.Exists(file))
        {
            return;
        }

        try
        {
            using var created = new FileStream(file, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another process created it first; RestrictSqliteFiles sets its mode.
        }
    }
}

/// <summary>Which database this node uses (for start-up logging, health and provider-specific fast paths).</summary>
public sealed record PortalDatabaseInfo(DatabaseProvider Provider, string ConnectionString);
