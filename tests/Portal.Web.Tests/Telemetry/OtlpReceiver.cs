using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Portal.Web.Tests.Alerting;

namespace Portal.Web.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP collector on a free loopback port: accepts POST /v1/traces and /v1/metrics (protobuf) and decodes the
/// span and metric names. An HttpListener rather than a second ASP.NET Core host: the portal's ASP.NET Core
/// instrumentation listens process-wide, so a Kestrel receiver's own requests would be traced and exported in a loop.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener listener = new();

    public OtlpReceiver()
    {
        Port = ExternalProcess.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();

    public ConcurrentQueue<string> MetricNames { get; } = new();

    /// <summary>Content types of the requests received, by path.</summary>
    public ConcurrentQueue<(string Path, string? ContentType)> Requests { get; } = new();

    private async Task LoopAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var path = context.Request.Url!.AbsolutePath;
            Requests.Enqueue((path, context.Request.ContentType));
            if (path == "/v1/traces")
            {
                foreach (var span in OtlpSpan.FromExportRequest(body.ToArray()))
                {
                    Spans.Enqueue(span);
                }
            }
            else if (path == "/v1/metrics")
            {
                foreach (var name in OtlpSpan.MetricNames(body.ToArray()))
                {
                    MetricNames.Enqueue(name);
                }
            }

            context.Response.StatusCode = path is "/v1/traces" or "/v1/metrics" ? 200 : 404;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close(); // an empty Export*ServiceResponse: everything accepted
        }
    }

    public void Dispose() => listener.Close();
}

/// <summary>One decoded span: its names, ids, kind (2 = server, 3 = client), attributes and the service that sent it.</summary>
public sealed record OtlpSpan(string Name, string TraceId, string SpanId, string ParentSpanId, int Kind, IReadOnlyDictionary<string, string> Attributes, string? Service)
{
    public const int ServerKind = 2;

    /// <summary>ExportTraceServiceRequest → resource_spans(1) → { resource(1), scope_spans(2) → spans(2) }.</summary>
    public static IEnumerable<OtlpSpan> FromExportRequest(byte[] request)
    {
        foreach (var resourceSpans in Proto.Messages(request, 1))
        {
            var resource = Proto.Messages(resourceSpans, 1).Select(r => ReadAttributes(r, 1)).FirstOrDefault();
            var service = resource?.GetValueOrDefault("service.name");
            foreach (var scopeSpans in Proto.Messages(resourceSpans, 2))
            {
                foreach (var span in Proto.Messages(scopeSpans, 2))
                {
                    yield return Read(span, service);
                }
            }
        }
    }

    /// <summary>ExportMetricsServiceRequest → resource_metrics(1) → scope_metrics(2) → metrics(2) → name(1).</summary>
    public static IEnumerable<string> MetricNames(byte[] request) =>
        from resourceMetrics in Proto.Messages(request, 1)
        from scopeMetrics in Proto.Messages(resourceMetrics, 2)
        from metric in Proto.Messages(scopeMetrics, 2)
        select Proto.String(metric, 1);

    // Span: trace_id(1), span_id(2), parent_span_id(4), name(5), kind(6), attributes(9).
    private static OtlpSpan Read(byte[] span, string? service) => new(
        Proto.String(span, 5),
        Convert.ToHexString(Proto.Bytes(span, 1)),
        Convert.ToHexString(Proto.Bytes(span, 2)),
        Convert.ToHexString(Proto.Bytes(span, 4)),
        (int)Proto.Varint(span, 6),
        ReadAttributes(span, 9),
        service);

    // Attributes (field 9 of a span, 1 of a resource) are KeyValue { key(1), value(2) AnyValue }; strings, bools and ints are kept as text.
    private static Dictionary<string, string> ReadAttributes(byte[] message, int field) =>
        Proto.Messages(message, field).ToDictionary(kv => Proto.String(kv, 1), kv => AnyValue(Proto.Bytes(kv, 2)));

    // AnyValue: string_value(1), bool_value(2), int_value(3).
    private static string AnyValue(byte[] value) =>
        Proto.Fields(value).FirstOrDefault() is var (number, _, varint, bytes) && number != 0
            ? number switch
            {
                1 => Encoding.UTF8.GetString(bytes),
                2 => (varint != 0).ToString(),
                3 => ((long)varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => "",
            }
            : "";
}

/// <summary>Just enough of the protobuf wire format to walk OTLP messages (no proto package is available).</summary>
public static class Proto
{
    /// <summary>Every field of a message: number, wire type, the varint (wire type 0) or the bytes (length-delimited, fixed).</summary>
    public static IEnumerable<(int Number, int WireType, ulong Varint, byte[] Bytes)> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message, ref position);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    yield return (number, wireType, ReadVarint(message, ref position), []);
                    break;
                case 1:
                    yield return (number, wireType, 0, message[position..(position += 8)]);
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    yield return (number, wireType, 0, message[position..(position += length)]);
                    break;
                case 5:
                    yield return (number, wireType, 0, message[position..(position += 4)]);
                    break;
                default:
                    throw new InvalidDataException($"Unsupported wire type {wireType} of field {number}.");
            }
        }
    }

    public static IEnumerable<byte[]> Messages(byte[] message, int number) =>
        Fields(message).Where(f => f.Number == number && f.WireType == 2).Select(f => f.Bytes);

    public static byte[] Bytes(byte[] message, int number) => Messages(message, number).FirstOrDefault() ?? [];

    public static string String(byte[] message, int number) => Encoding.UTF8.GetString(Bytes(message, number));

    public static ulong Varint(byte[] message, int number) =>
        Fields(message).Where(f => f.Number == number && f.WireType == 0).Select(f => f.Varint).FirstOrDefault();

    private static ulong ReadVarint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
