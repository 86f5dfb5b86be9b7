using Portal.Web.Features.Ingestion;

namespace Portal.Web.Features.Streaming;

public static class StreamingServiceCollectionExtensions
{
    /// <summary>The streaming drift detectors: the feed the ingestion writer fills (its <see cref="IIngestionCommitListener"/>), the service that runs the detectors, the recorder and metrics.</summary>
    public static IServiceCollection AddStreamingDrift(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StreamingOptions>(configuration.GetSection(StreamingOptions.Section));
        services.AddSingleton<StreamingFeed>();
        services.AddSingleton<IIngestionCommitListener>(sp => sp.GetRequiredService<StreamingFeed>());
        services.AddSingleton<StreamingMetrics>();
        services.AddSingleton<PossibleDriftRecorder>();
        services.AddSingleton<PossibleDriftDashboard>();
        services.AddSingleton<StreamingDriftService>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamingDriftService>());
        return services;
    }
}
