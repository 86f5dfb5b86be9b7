using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Web.Tests.Alerting;

/// <summary>A real HTTP server on a free loopback port that records every POST; it can fail the first requests with 500.</summary>
public sealed class HttpReceiver : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stop = new();
    private int failuresLeft;

    public HttpReceiver(int failFirst = 0)
    {
        failuresLeft = failFirst;
        Port = ExternalProcess.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url(string path = "hook") => $"http://127.0.0.1:{Port}/{path}";

    /// <summary>Every request received (failed ones too), in order.</summary>
    public ConcurrentQueue<(string Path, JsonNode Body, int AnsweredWith, string? Authorization)> Requests { get; } = new();

    public IReadOnlyList<JsonNode> Accepted => Requests.Where(r => r.AnsweredWith == 200).Select(r => r.Body).ToList();

    /// <summary>Waits until <paramref name="count"/> requests were answered 200 (fails after 30 s).</summary>
    public async Task<IReadOnlyList<JsonNode>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (Accepted.Count >= count)
            {
                return Accepted;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Expected {count} accepted request(s), got {Accepted.Count} (of {Requests.Count} received).");
    }

    private async Task LoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            var status = Interlocked.Decrement(ref failuresLeft) >= 0 ? 500 : 200;
            Requests.Enqueue((context.Request.Url!.AbsolutePath, JsonNode.Parse(text)!, status, context.Request.Headers["Authorization"]));
            context.Response.StatusCode = status;
            var answer = Encoding.UTF8.GetBytes(status == 200 ? "{\"status\":\"success\"}" : "{\"error\":\"try again\"}");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
    }
}

/// <summary>A minimal SMTP server on a free loopback port: speaks enough of RFC 5321 for MailKit and keeps each message's DATA.</summary>
public sealed class SmtpReceiver : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();

    public SmtpReceiver()
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<(string From, List<string> To, string Data)> Messages { get; } = new();

    private async Task LoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 localhost test SMTP");
        string from = "";
        var to = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', ':')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                case "HELO":
                    await writer.WriteLineAsync("250-localhost");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "MAIL":
                    from = line[(line.IndexOf(':') + 1)..].Trim();
                    to = [];
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    to.Add(line[(line.IndexOf(':') + 1)..].Trim());
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                    {
                        data.AppendLine(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine);
                    }

                    Messages.Enqueue((from, to, data.ToString()));
                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 OK");
                    break;
            }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }
}
