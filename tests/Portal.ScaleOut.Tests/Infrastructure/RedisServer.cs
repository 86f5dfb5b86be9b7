using System.Diagnostics;

namespace Portal.ScaleOut.Tests.Infrastructure;

/// <summary>Debian's <c>redis-server</c> on a free loopback port, nothing persisted, stopped and deleted on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string folder;
    private Process? process;

    private RedisServer(string folder, int port)
    {
        this.folder = folder;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("portal-redis-").FullName;
        var redis = new RedisServer(folder, ExternalProcess.FreePort());
        try
        {
            await redis.StartAgainAsync();
            return redis;
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server (SIGKILL, as when it crashes): every client's connection breaks, nothing is kept.</summary>
    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    /// <summary>Starts the server on its port again (after <see cref="StopAsync"/>), empty, and waits until it listens.</summary>
    public async Task StartAgainAsync()
    {
        var server = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server"
            : throw new InvalidOperationException("redis-server not found: apt-get install redis-server (bash .ci/test.sh does).");
        var start = new ProcessStartInfo(server) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder, "--daemonize", "no" })
        {
            start.ArgumentList.Add(a);
        }

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode}.");
            }

            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("redis-server did not listen within 30 s.");
    }

    /// <summary>One <c>redis-cli</c> command against this server; its output, trimmed.</summary>
    public async Task<string> CommandAsync(params string[] arguments) =>
        (await ExternalProcess.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", Port.ToString(), .. arguments], TimeSpan.FromSeconds(30))).Trim();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
