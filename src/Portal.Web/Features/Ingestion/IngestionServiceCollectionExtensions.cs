using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Data;
using Portal.Web.Features.Ingestion.Storage;
using Portal.Web.Infrastructure.Jobs;
using Portal.Web.Infrastructure.Models;

namespace Portal.Web.Features.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>Validation, the bounded channel, the background writer (group commit), its store, and the retention job.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IngestionOptions>(configuration.GetSection(IngestionOptions.Section));
        services.Configure<RetentionOptions>(configuration.GetSection(RetentionOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelCatalog>();
        services.AddScoped<Reference.ReferenceUploadService>();
        services.AddSingleton<IngestionChannel>();
        services.AddSingleton<IIngestionStore>(sp =>
        {
            var database = sp.GetRequiredService<PortalDatabaseInfo>();
            return database.Provider == DatabaseProvider.Postgres
                ? new PostgresIngestionStore(database.ConnectionString)
                : new SqliteIngestionStore(database.ConnectionString, sp.GetRequiredService<IOptions<IngestionOptions>>().Value.SqliteSynchronous);
        });
        services.AddSingleton<IngestionWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestionWriter>());
        services.AddSingleton<RetentionService>();
        services.AddScoped<IRecurringJobSource, RetentionJobSource>();
        return services;
    }
}
