using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Web.Tests.Data;

/// <summary>Each provider's migration set describes the current model: a changed entity without a migration fails here.</summary>
public sealed class MigrationTests
{
    [Fact]
    public void Sqlite_migrations_match_the_model()
    {
        using var context = new SqliteDesignTimeFactory().CreateDbContext([]);

        Assert.NotEmpty(context.Database.GetMigrations());
        Assert.False(context.Database.HasPendingModelChanges(), "The SQLite model has changes without a migration.");
    }

    [Fact]
    public void Postgres_migrations_match_the_model()
    {
        using var context = new PostgresDesignTimeFactory().CreateDbContext([]);

        Assert.NotEmpty(context.Database.GetMigrations());
        Assert.False(context.Database.HasPendingModelChanges(), "The PostgreSQL model has changes without a migration.");
    }
}
