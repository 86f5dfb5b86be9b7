using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Portal.Web.Realtime;
using Portal.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Web.Tests.Hosting;

/// <summary>SIGTERM to the real process in the middle of a session: a service manager waits 10 s, then kills.</summary>
public sealed class ShutdownTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "shutdown-test-admin-key";
    private const string Model = "shutdown-model";
    private readonly string databaseFile = Path.Combine(Path.GetTempPath(), $"portal-shutdown-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var file in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Sigterm_during_traffic_jobs_and_open_live_connections_exits_cleanly_within_10_seconds()
    {
        using var server = new PortalProcess(databaseFile, Key);
        await server.StartAsync();
        using var api = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Add("X-Api-Key", Key);
        (await api.PutAsJsonAsync($"api/v1/models/{Model}", new
        {
            taskType = "binary",
            features = new[] { new { name = "x", type = "numerical" } },
        })).EnsureSuccessStatusCode();

        // A long session: a change stream (Server-Sent Events) and a SignalR connection that stay open.
        using var stream = await api.GetAsync("api/v1/changes", HttpCompletionOption.ResponseHeadersRead);
        stream.EnsureSuccessStatusCode();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, LiveHub.Path.TrimStart('/')), o => o.Headers["X-Api-Key"] = Key)
            .Build();
        await hub.StartAsync();
        await hub.InvokeAsync("JoinModel", Model);

        // Traffic and job activity: predictions with labels, and drift runs queued on Hangfire.
        var now = DateTimeOffset.UtcNow;
        for (var batch = 0; batch < 5; batch++)
        {
            var items = Enumerable.Range(0, 200).Select(i => new
            {
                predictionId = $"p-{batch}-{i}",
                timestamp = now.AddSeconds(-i).ToString("O"),
                prediction = i % 2,
                score = (i % 100) / 100.0,
                features = new { x = (double)i },
            });
            (await api.PostAsJsonAsync($"api/v1/models/{Model}/predictions", items)).EnsureSuccessStatusCode();
            (await api.PostAsync($"api/v1/models/{Model}/drift/run", null)).EnsureSuccessStatusCode();
        }

        var clock = Stopwatch.StartNew();
        var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(90));
        clock.Stop();
        output.WriteLine($"exit code {exitCode} after {clock.Elapsed.TotalSeconds:F1} s\n{server.Log}");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The portal took {clock.Elapsed.TotalSeconds:F1} s to stop:\n{server.Log}");
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("Unhandled exception", server.Log);
        Assert.DoesNotContain("OperationCanceledException", server.Log);
        Assert.DoesNotContain("crit:", server.Log);
        Assert.DoesNotContain("fail:", server.Log);
    }
}
