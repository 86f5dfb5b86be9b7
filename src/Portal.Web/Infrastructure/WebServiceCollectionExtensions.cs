using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using MudBlazor.Services;
using Portal.Web.Infrastructure.Audit;

namespace Portal.Web.Infrastructure;

public static class WebServiceCollectionExtensions
{
    /// <summary>JSON, problem details and the exception handler shared by every REST endpoint; the audit log.</summary>
    public static IServiceCollection AddPortalWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            o.SerializerOptions.Converters.Add(new CheckedStringConverter());
            o.SerializerOptions.Converters.Add(new CheckedJsonElementConverter());
        });

        // A body that does not bind is thrown to ProblemExceptionHandler, which names the field, instead of a bare 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddHealthChecks();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddScoped<IAuditLog, AuditLog>();
        services.AddSingleton<Portal.Web.Infrastructure.Models.ModelPicker>();
        services.Configure<PortalLimits>(configuration.GetSection(PortalLimits.Section));
        services.Configure<KestrelServerOptions>(o =>
        {
            // Kestrel's defaults, stated: oversized headers are answered 431, bodies over the limit 413
            // (endpoints that take large uploads raise the body limit for themselves).
            o.Limits.MaxRequestLineSize = 8 * 1024;
            o.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            o.Limits.MaxRequestHeaderCount = 100;
            o.Limits.MaxRequestBodySize = 30_000_000;
        });
        // A stop (SIGTERM) must end within 10 s: service managers kill what takes longer. The job server waits at most
        // BoundedJobServer.StopWait of this; open connections are closed when it runs out.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(6));
        return services;
    }

    public static IServiceCollection AddPortalUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Bottom right: at the top right a snackbar covers the pages' action buttons (New channel, New rule).
        services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        services.AddScoped<Display.BrowserTimeZone>();
        return services;
    }
}
