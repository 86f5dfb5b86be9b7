using System.Text.Json;
using System.Text.Json.Serialization;
using MudBlazor.Services;

namespace Portal.Web.Infrastructure;

public static class WebServiceCollectionExtensions
{
    /// <summary>JSON, problem details and the exception handler shared by every REST endpoint.</summary>
    public static IServiceCollection AddPortalWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        services.AddProblemDetails();
        services.AddHealthChecks();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<PortalLimits>(configuration.GetSection(PortalLimits.Section));
        return services;
    }

    public static IServiceCollection AddPortalUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        return services;
    }
}
