using System.Diagnostics;
using System.Net;
using System.Text;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// The real portal as its own process (<c>dotnet Portal.Web.dll --urls http://127.0.0.1:port</c>) on a given SQLite
/// file, so tests can kill it with SIGKILL or stop it with SIGTERM and start it again on the same database.
/// </summary>
public sealed class PortalProcess : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(180);

    private readonly StringBuilder log = new();
    private Process? process;

    /// <param name="port">A fixed port (e.g. the one of a killed predecessor), or null for a free one.</param>
    /// <param name="demo">Leave Portal:Demo:Enabled unset (demo traffic on a fresh database) instead of false.</param>
    public PortalProcess(string databaseFile, string apiKey, int? port = null, bool demo = false)
    {
        Demo = demo;
        DatabaseFile = databaseFile;
        ApiKey = apiKey;
        Port = port ?? ExternalProcess.FreePort();
    }

    public string DatabaseFile { get; }

    public bool Demo { get; }

    public string ApiKey { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

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

    public async Task StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Portal.Web.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { dll, "--urls", BaseAddress.ToString().TrimEnd('/') },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Portal"] = $"Data Source={DatabaseFile}";
        start.Environment["Portal__Bootstrap__ApiKey"] = ApiKey;
        if (!Demo)
        {
            start.Environment["Portal__Demo__Enabled"] = "false";
        }
        else
        {
            // Live demo traffic only: the 14-day history is DemoHistoryTests' and the E2E DemoStoryTests' subject, and
            // sending it here would load the machine under every other test running beside this one.
            start.Environment["Portal__Demo__BackfillDays"] = "0";
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Production refuses an unencrypted key ring; a fixed test key so restarts on the same database read it.
        start.Environment["Portal__DataProtection__KeyEncryptionKey"] = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Portal"] = "Information";
        process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        // A guard against hanging, not a speed target: on a loaded 2-core machine a cold start took over 60 s.
        var deadline = DateTime.UtcNow.Add(StartDeadline);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with {process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The portal did not become healthy within {StartDeadline.TotalSeconds:0} s:\n{Log}");
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        process!.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM, then waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(limit.Token);
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }
}
