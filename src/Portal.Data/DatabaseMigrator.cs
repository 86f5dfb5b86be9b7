using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Data;

public static class DatabaseMigrator
{
    /// <summary>
    /// Applies pending migrations; on SQLite also switches the file to WAL so readers never block the writer, and keeps
    /// the file and its -wal/-shm readable by this user only.
    /// </summary>
    public static async Task MigratePortalDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            DataServiceCollectionExtensions.RestrictSqliteFiles(db.Database.GetConnectionString()!);
        }
    }
}
