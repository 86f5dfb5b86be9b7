namespace Portal.Web.Features.Models;

public static class ModelServiceCollectionExtensions
{
    /// <summary>The models list and model page's directory and the list's timing on /metrics (the API endpoints need no services of their own).</summary>
    public static IServiceCollection AddModels(this IServiceCollection services) =>
        services.AddSingleton<ModelsListMetrics>().AddSingleton<ModelDirectory>();
}
