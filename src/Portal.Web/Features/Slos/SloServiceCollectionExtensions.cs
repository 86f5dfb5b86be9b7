using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Slos;

public static class SloServiceCollectionExtensions
{
    /// <summary>SLO definitions and the scheduled SLO job per model that has SLOs.</summary>
    public static IServiceCollection AddSlos(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SloOptions>(configuration.GetSection(SloOptions.Section));
        services.AddScoped<SloSliHistory>();
        services.AddScoped<SloService>();
        services.AddScoped<SloJob>();
        services.AddScoped<IRecurringJobSource, SloSchedules>();
        return services;
    }
}
