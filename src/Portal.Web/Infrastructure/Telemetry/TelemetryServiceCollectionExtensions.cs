using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Portal.Web.Infrastructure.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// OpenTelemetry tracing and metrics exported over OTLP, only when the standard variables name a collector
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or the per-signal <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> /
    /// <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>); otherwise nothing is registered. The exporter reads the other
    /// standard variables (protocol, headers, timeouts, batch delays) itself from the configuration. Without a protocol
    /// variable the protocol is http/protobuf, the specification's default (OpenTelemetry .NET's own is gRPC).
    /// </summary>
    public static IServiceCollection AddPortalTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var anySignal = IsSet(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT");
        var traces = anySignal || IsSet(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        var metrics = anySignal || IsSet(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
        if (!traces && !metrics)
        {
            return services;
        }

        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : PortalTelemetry.Name;
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(serviceName));
        if (traces)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(PortalTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsScrape(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation()
                .AddOtlpExporter(o => DefaultProtocol(o, configuration)));
        }

        if (metrics)
        {
            telemetry.WithMetrics(meters => meters
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddOtlpExporter(o => DefaultProtocol(o, configuration)));
        }

        return services;
    }

    // Any protocol variable (general or per signal) leaves the choice to the SDK, which reads them itself.
    private static void DefaultProtocol(OtlpExporterOptions options, IConfiguration configuration)
    {
        if (!new[] { "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL" }.Any(key => IsSet(configuration, key)))
        {
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
        }
    }

    private static bool IsSet(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);

    // Prometheus scrapes and health probes every few seconds would drown the interesting traces.
    private static bool IsScrape(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
