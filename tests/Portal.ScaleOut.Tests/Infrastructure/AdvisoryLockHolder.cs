using System.Diagnostics;

namespace Portal.ScaleOut.Tests.Infrastructure;

/// <summary>
/// Another PostgreSQL session holding an advisory lock, as a node does in the middle of its work: a <c>psql</c> process
/// that took the lock and then sits idle. <see cref="Kill"/> crashes it (SIGKILL), as when a node dies.
/// </summary>
public sealed class AdvisoryLockHolder : IAsyncDisposable
{
    private readonly Process process;

    private AdvisoryLockHolder(Process process) => this.process = process;

    public static async Task<AdvisoryLockHolder> TakeAsync(PostgresServer postgres, long key, TimeSpan within)
    {
        var start = new ProcessStartInfo(Path.Combine(postgres.Bin, "psql"))
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", postgres.Port.ToString(), "-U", "portal", "-d", "portal" })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        var holder = new AdvisoryLockHolder(process);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Trim() == "held")
            {
                held.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                held.TrySetException(new InvalidOperationException("psql: " + e.Data));
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Waits for the lock (a running evaluation releases it), then stays connected and idle, reading stdin.
        await process.StandardInput.WriteLineAsync($"SELECT pg_advisory_lock({key}); SELECT 'held';");
        await process.StandardInput.FlushAsync();
        if (await Task.WhenAny(held.Task, Task.Delay(within)) != held.Task)
        {
            await holder.DisposeAsync();
            throw new TimeoutException($"The advisory lock {key} was not free within {within}.");
        }

        await held.Task;
        return holder;
    }

    /// <summary>SIGKILL: the process dies without unlocking; only its ended connection tells PostgreSQL.</summary>
    public async Task KillAsync()
    {
        ExternalProcess.Signal(process, ExternalProcess.SigKill);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
