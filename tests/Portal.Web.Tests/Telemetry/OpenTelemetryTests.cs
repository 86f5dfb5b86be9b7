using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Portal.Web.Features.Drift.Monitoring;
using Portal.Web.Infrastructure.Telemetry;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Jobs.JobsTestData;

namespace Portal.Web.Tests.Telemetry;

/// <summary>The portal exporting its traces and metrics over OTLP/HTTP to a collector on loopback, only when told to.</summary>
public sealed class OpenTelemetryTests
{
    [Fact]
    public async Task Ingestion_request_database_calls_and_drift_job_reach_the_otlp_collector()
    {
        using var collector = new OtlpReceiver();
        using var factory = new PortalFactory
        {
            Settings = new()
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
                ["OTEL_SERVICE_NAME"] = "portal-under-test",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            },
        };
        var client = factory.CreateApiClient();
        var model = await NewModelAsync(client);
        await PostFeaturePredictionsAsync(client, model, Grid(20, 100), Grid(20, 1), DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow, "otel");
        await RunAsync<DriftJob>(factory, model, (job, id) => job.RunAsync(id, null, CancellationToken.None));

        var spans = await Eventually.PollAsync(() => collector.Spans.ToList(), s => JobSpan(s, model) is { } job && s.Any(c => c.ParentSpanId == job.SpanId) && IngestionSpan(s, model) is not null);

        var ingestion = IngestionSpan(spans, model);
        Assert.NotNull(ingestion);
        Assert.Equal("POST", ingestion.Attributes["http.request.method"]);
        Assert.Equal("200", ingestion.Attributes["http.response.status_code"]);
        Assert.Equal("portal-under-test", ingestion.Service);

        var drift = JobSpan(spans, model);
        Assert.NotNull(drift);
        Assert.Equal("job drift", drift.Name);
        Assert.Equal("drift", drift.Attributes[PortalTelemetry.JobTag]);
        Assert.Equal("1", drift.Attributes[PortalTelemetry.AttemptTag]);
        Assert.Equal("NotEnoughData", drift.Attributes[PortalTelemetry.OutcomeTag]); // 20 predictions, no reference

        // The job's database calls are its children, with the database named as semantic conventions say.
        var database = spans.Where(s => s.ParentSpanId == drift.SpanId).ToList();
        Assert.NotEmpty(database);
        Assert.All(database, s => Assert.Equal(drift.TraceId, s.TraceId));
        Assert.Contains(database, s => s.Attributes.Any(a => a.Key.StartsWith("db.system", StringComparison.Ordinal) && a.Value == "sqlite"));

        var metrics = await Eventually.PollAsync(() => collector.MetricNames.ToList(), m => m.Contains("http.server.request.duration"));
        Assert.Contains("http.server.request.duration", metrics);
        // No protocol variable: OTLP/HTTP with protobuf bodies, the specification's default.
        Assert.All(collector.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
    }

    [Fact]
    public void Without_an_otlp_endpoint_nothing_is_registered()
    {
        using var factory = new PortalFactory();

        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.Null(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void A_traces_only_endpoint_registers_tracing_alone()
    {
        using var factory = new PortalFactory { Settings = new() { ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://127.0.0.1:9/v1/traces" } };

        Assert.NotNull(factory.Services.GetService<TracerProvider>());
        Assert.Null(factory.Services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("http/protobuf", true)]
    [InlineData("grpc", false)]
    public async Task Traces_are_posted_to_v1_traces_unless_the_protocol_variable_says_grpc(string? protocol, bool posted)
    {
        using var collector = new OtlpReceiver();
        using var factory = new PortalFactory { Settings = new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint, ["OTEL_BSP_SCHEDULE_DELAY"] = "60000" } };
        if (protocol is not null)
        {
            factory.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol;
        }

        await factory.CreateApiClient().GetAsync("/api/v1/models");
        factory.Services.GetRequiredService<TracerProvider>().ForceFlush(15_000); // the export attempt is over when it returns

        // gRPC goes to /opentelemetry.proto.collector.trace.v1.TraceService/Export over HTTP/2, never to /v1/traces.
        Assert.Equal(posted, collector.Requests.Any(r => r.Path == "/v1/traces"));
    }

    private static OtlpSpan? IngestionSpan(IEnumerable<OtlpSpan> spans, string model) =>
        spans.FirstOrDefault(s => s.Kind == OtlpSpan.ServerKind
            && s.Attributes.GetValueOrDefault("http.route", "").EndsWith("/predictions", StringComparison.Ordinal)
            && s.Attributes.GetValueOrDefault("url.path") == $"/api/v1/models/{model}/predictions");

    private static OtlpSpan? JobSpan(IEnumerable<OtlpSpan> spans, string model) =>
        spans.FirstOrDefault(s => s.Attributes.GetValueOrDefault(PortalTelemetry.ModelTag) == model && s.Attributes.GetValueOrDefault(PortalTelemetry.JobTag) == "drift");
}
