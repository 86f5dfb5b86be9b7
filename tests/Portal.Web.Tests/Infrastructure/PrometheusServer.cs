using System.Diagnostics;
using System.Text;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// Debian's Prometheus scraping a running portal every second (and evaluating <c>ruleFiles</c> as often), on a free
/// port with its data in <c>folder</c>; killed on dispose. <see cref="Log"/> is its output, for failure messages.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process process;
    private readonly StringBuilder log = new();

    private PrometheusServer(Process process, int port)
    {
        this.process = process;
        Query = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
    }

    /// <summary>Its HTTP API (<c>api/v1/query</c>, <c>api/v1/targets</c>, <c>api/v1/rules</c>).</summary>
    public HttpClient Query { get; }

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    public static async Task<PrometheusServer> StartAsync(DirectoryInfo folder, int portalPort, params string[] ruleFiles)
    {
        var prometheus = ExternalTool.Require(Binary);
        var port = ExternalProcess.FreePort();
        var config = Path.Combine(folder.FullName, "prometheus.yml");
        var rules = ruleFiles.Length == 0 ? "" : $"rule_files: [{string.Join(", ", ruleFiles.Select(f => $"\"{f}\""))}]\n";
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            {rules}scrape_configs:
              - job_name: portal
                static_configs:
                  - targets: ["127.0.0.1:{portalPort}"]
            """);
        var start = new ProcessStartInfo(prometheus)
        {
            ArgumentList = { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder.FullName, "data")}", $"--web.listen-address=127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var server = new PrometheusServer(Process.Start(start)!, port);
        server.process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server.process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server.process.BeginErrorReadLine();
        server.process.BeginOutputReadLine();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        Query.Dispose();
        process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
    }

    private void Append(string? line)
    {
        lock (log)
        {
            log.AppendLine(line);
        }
    }
}
