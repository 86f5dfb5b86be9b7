using Hangfire.PostgreSql;

namespace Portal.Web.Infrastructure.Jobs;

/// <summary>Hangfire.PostgreSql settings for several nodes sharing one database.</summary>
public static class PostgresJobStorage
{
    public const string Schema = "hangfire";

    /// <summary>
    /// Schema <see cref="Schema"/>, created or upgraded at start-up (under the cluster start-up lock). A fetched job stays
    /// invisible to the other nodes' workers while its worker is alive (sliding invisibility timeout), so a long job is
    /// never picked up a second time; enqueued jobs are noticed within a second.
    /// </summary>
    public static PostgreSqlStorageOptions Options() => new()
    {
        SchemaName = Schema,
        PrepareSchemaIfNecessary = true,
        UseSlidingInvisibilityTimeout = true,
        QueuePollInterval = TimeSpan.FromSeconds(1),
    };
}
