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
    /// Registers <see cref="PortalDbContext"/> on SQLite (default, file in WAL mode) or PostgreSQL
    /// per <c>Portal:Database:Provider</c> and <c>ConnectionStrings:Portal</c>.
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

            services.AddDbContext<PortalDbContext, PostgresPortalDbContext>(o => o.UseNpgsql(connectionString));
        }
        else
        {
            connectionString = PrepareSqlite(connectionString ?? DefaultSqlite);
            services.AddDbContext<PortalDbContext, SqlitePortalDbContext>(o => o.UseSqlite(connectionString));
        }

        services.AddSingleton(new PortalDatabaseInfo(provider, connectionString));
        return services;
    }

    /// <summary>Creates the folder of a SQLite file so the first <c>dotnet run</c> just works.</summary>
    private static string PrepareSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        return builder.ToString();
    }
}

/// <summary>Which database this node uses (for start-up logging, health and provider-specific fast paths).</summary>
public sealed record PortalDatabaseInfo(DatabaseProvider Provider, string ConnectionString);
