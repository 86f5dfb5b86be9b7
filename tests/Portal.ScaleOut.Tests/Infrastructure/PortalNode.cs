using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Portal.ScaleOut.Tests.Infrastructure;

/// <summary>
/// One portal node: the built Portal.Web.dll as its own process on a free loopback port, started from its bin folder
/// (content root) with ASPNETCORE_ENVIRONMENT=Development so the package assets are served from the build output.
/// </summary>
public sealed class PortalNode : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> log = new();
    private readonly IReadOnlyDictionary<string, string> environment;
    private Process? process;

    public PortalNode(string name, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        this.environment = environment;
        BaseUrl = $"http://127.0.0.1:{ExternalProcess.FreePort()}";
    }

    public string Name { get; }

    public string BaseUrl { get; }

    public Process Process => process ?? throw new InvalidOperationException($"Node {Name} was not started.");

    public bool HasExited => process is { HasExited: true };

    /// <summary>Everything the node wrote to stdout and stderr so far.</summary>
    public string Log => string.Join('\n', log);

    public void Start()
    {
        var dll = PortalWebDll();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseUrl);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var client = CreateClient();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"Node {Name} exited with code {Process.ExitCode}:\n{Log}");
            }

            try
            {
                if ((await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Node {Name} did not become healthy at {BaseUrl}:\n{Log}");
    }

    public HttpClient CreateClient(string? apiKey = null, TimeSpan? timeout = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = new Uri(BaseUrl),
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>SIGTERM (graceful: drain and stop) or SIGKILL (crash).</summary>
    public void Signal(int signal) => ExternalProcess.Signal(Process, signal);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            log.Enqueue(line);
        }
    }

    /// <summary>src/Portal.Web/bin/&lt;same configuration as this test build&gt;/net10.0/Portal.Web.dll.</summary>
    private static string PortalWebDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Portal.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"Portal.sln not found above {AppContext.BaseDirectory}.");
        }

        var dll = Path.Combine(root.FullName, "src", "Portal.Web", "bin", configuration, framework, "Portal.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build Portal.Web first ({configuration}).", dll);
    }
}
