using System.Security.Claims;
using System.Security.Cryptography;
using Hangfire;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Portal.Client;
using Portal.Client.Simulation;
using Portal.Data;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Demo;

/// <summary>Configuration section <c>Portal:Demo</c>.</summary>
public sealed class DemoOptions
{
    public const string Section = "Portal:Demo";

    /// <summary>true: always run; false: never; unset: run when the database is empty or holds only the demo models.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Predictions per second per demo model (5/s ≈ 1.7 million raw rows a day for the four models).</summary>
    public double RatePerSecond { get; set; } = 5;

    /// <summary>Drift hours per real hour.</summary>
    public double DriftSpeed { get; set; } = 1;

    /// <summary>Days of history sent (with past timestamps) when the demo models have none; 0: none.</summary>
    public int BackfillDays { get; set; } = 14;
}

/// <summary>
/// An admin-scoped API key generated at start-up and known only inside this process, for the in-process demo
/// simulator. Only its hash is kept.
/// </summary>
public sealed class DemoApiKeyValidator : IApiKeyValidator
{
    public string Key { get; } = "demo-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    private readonly byte[] hash;

    public DemoApiKeyValidator() => hash = ApiKeyHash.Of(Key);

    public ValueTask<ClaimsIdentity?> ValidateAsync(string presentedKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ApiKeyHash.Matches(presentedKey, hash)
            ? ApiKeyIdentity.Admin("demo-simulator")
            : null);
}

/// <summary>
/// Seeds the four demo models (schema + reference dataset) on an empty database and runs the traffic simulator
/// in-process. The simulator talks to this portal's own HTTP address with <see cref="PortalClient"/>, so demo
/// traffic takes exactly the path of real traffic (auth, validation, channel, writer, rollups).
/// </summary>
public sealed class DemoService(
    IServiceScopeFactory scopes,
    IServer server,
    IHostApplicationLifetime lifetime,
    DemoApiKeyValidator key,
    IConfiguration configuration,
    Microsoft.Extensions.Options.IOptions<DemoOptions> options,
    ILogger<DemoService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Enabled == false)
        {
            return;
        }

        try
        {
            await WhenStarted(stoppingToken);
            var (run, seed) = await DecideAsync(stoppingToken);
            if (!run)
            {
                logger.LogInformation("Demo traffic is off: the database holds non-demo models (set Portal:Demo:Enabled=true to force it).");
                return;
            }

            var address = OwnAddress();
            if (address is null)
            {
                logger.LogWarning("Demo traffic is off: the server has no HTTP address to send to.");
                return;
            }

            await using var client = new PortalClient(new PortalClientOptions { BaseAddress = address, ApiKey = key.Key, BatchSize = 500, CloseTimeout = TimeSpan.FromSeconds(1) });
            var simulator = new TrafficSimulator(client, new SimulatorOptions
            {
                RatePerSecond = options.Value.RatePerSecond,
                DriftSpeed = options.Value.DriftSpeed,
                InitialDriftHours = options.Value.BackfillDays > 0 ? DemoHistory.DriftAtEnd : 0,
            });
            await simulator.SeedAsync(uploadReferences: seed, stoppingToken);
            var history = await HistoryToSendAsync(stoppingToken);
            await Fairness.DemoFairness.SeedAsync(scopes, stoppingToken);
            await DemoSeeds.SeedAsync(scopes, stoppingToken);

            // Live traffic starts at once; the history (older than any of it) is sent beside it, the newest day first.
            logger.LogInformation("Demo traffic: {Models} at {Rate}/s each, sent to {Address}.", string.Join(", ", TrafficSimulator.Models.Select(m => m.Name)), options.Value.RatePerSecond, address);
            var live = simulator.RunAsync(stoppingToken);
            if (history is not null)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var cpu = Environment.CpuUsage.TotalTime;
                // The last hour the drift job reads is in once the newest day is: its first run need not wait for the rest.
                var sent = await simulator.BackfillAsync(history, stoppingToken, newestDaySent: () => EnqueueAsync(drift: true, fairness: false, stoppingToken));
                logger.LogInformation("Demo history: {Count} predictions over {Days} days up to {End:u} sent in {Seconds:0.0} s ({Cpu:0.0} s of CPU, live traffic included; incident: fraud-detector errors {IncidentStart:u} to {IncidentEnd:u}).",
                    sent, history.Days, history.End, watch.Elapsed.TotalSeconds, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds, history.IncidentStart, history.IncidentEnd);
            }

            // Started when the history's tagged traffic began, and analysed at once: a verdict on the first look.
            await Experiments.DemoExperiment.SeedAsync(scopes, history?.ExperimentStart, stoppingToken);
            _ = FirstRunsAsync(history, stoppingToken);
            await live;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception e)
        {
            logger.LogError(e, "The demo simulator stopped with an error.");
        }
    }

    /// <summary>
    /// The demo models' first job runs, so every tab has results long before the scheduled runs (drift at the top of the
    /// hour, quality and fairness every 15 minutes). With a history: drift and quality as soon as its newest day is in (see
    /// the backfill), quality, fairness and the SLOs once all of it is, then drift and quality as of every day of the history (so the drift-over-time charts show the drift growing).
    /// Without one: a minute after the traffic starts, drift and quality (per-feature and multivariate drift, performance
    /// estimated without labels); six minutes after, when the delayed labels have arrived, quality and fairness again.
    /// </summary>
    private async Task FirstRunsAsync(DemoHistory? history, CancellationToken cancellationToken)
    {
        try
        {
            if (history is not null)
            {
                await EnqueueAsync(drift: false, fairness: true, cancellationToken, slos: true);
                await PastRunsAsync(history, cancellationToken);
                return;
            }

            await Task.Delay(TimeSpan.FromMinutes(1), cancellationToken);
            await EnqueueAsync(drift: true, fairness: false, cancellationToken);
            await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken);
            await EnqueueAsync(drift: false, fairness: true, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "The demo's first job runs could not be enqueued.");
        }
    }

    private async Task EnqueueAsync(bool drift, bool fairness, CancellationToken cancellationToken, bool slos = false)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var jobs = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>();
        var names = TrafficSimulator.Models.Select(m => m.Name).ToList();
        foreach (var id in await db.Models.Where(m => names.Contains(m.Name)).Select(m => m.Id).ToListAsync(cancellationToken))
        {
            if (drift)
            {
                scope.ServiceProvider.GetRequiredService<Drift.Monitoring.DriftSettingsService>().RunNow(id);
            }

            jobs.Enqueue<Quality.QualityJob>(j => j.RunAsync(id, null, CancellationToken.None));
            if (fairness)
            {
                scope.ServiceProvider.GetRequiredService<Fairness.FairnessSettingsService>().RunNow(id);
            }

            if (slos)
            {
                scope.ServiceProvider.GetRequiredService<Slos.SloService>().EvaluateNow(id);
            }
        }
    }

    /// <summary>
    /// The drift and quality jobs as they would have run once a day over the history, newest first: the real jobs, built
    /// with a clock that reads the past moment, so their windows, results and timestamps are those of that moment.
    /// </summary>
    private async Task PastRunsAsync(DemoHistory history, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var runs = 0;
        for (var at = history.End.AddDays(-1); at > history.Start; at = at.AddDays(-1))
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var clock = new PastClock(at);
            var names = TrafficSimulator.Models.Select(m => m.Name).ToList();
            foreach (var id in await services.GetRequiredService<PortalDbContext>().Models.Where(m => names.Contains(m.Name)).Select(m => m.Id).ToListAsync(cancellationToken))
            {
                await ActivatorUtilities.CreateInstance<Drift.Monitoring.DriftJob>(services, clock).RunAsync(id, null, cancellationToken);
                await ActivatorUtilities.CreateInstance<Quality.QualityJob>(services, clock).RunAsync(id, null, cancellationToken);
                runs += 2;
            }
        }

        logger.LogInformation("Demo history: {Runs} past drift and quality runs in {Seconds:0.0} s.", runs, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The history to send: none when it is switched off or the demo models already have traffic older than a day;
    /// else <see cref="DemoOptions.BackfillDays"/> days ending at the first traffic they have (a restart after a short
    /// first run does not send the same minutes twice), or now.
    /// </summary>
    private async Task<DemoHistory?> HistoryToSendAsync(CancellationToken cancellationToken)
    {
        if (options.Value.BackfillDays <= 0)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var names = TrafficSimulator.Models.Select(m => m.Name).ToList();
        var ids = await db.Models.Where(m => names.Contains(m.Name)).Select(m => m.Id).ToListAsync(cancellationToken);
        var earliest = await db.PredictionRollups.Where(r => ids.Contains(r.ModelId)).MinAsync(r => (long?)r.MinuteMs, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        if (earliest is { } ms && DateTimeOffset.FromUnixTimeMilliseconds(ms) < now.AddDays(-1))
        {
            return null;
        }

        return new DemoHistory(earliest is { } first ? DateTimeOffset.FromUnixTimeMilliseconds(first) : now, options.Value.BackfillDays);
    }

    /// <summary>A clock that reads one past moment (for jobs run as of then).</summary>
    private sealed class PastClock(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }

    /// <summary>Run when forced, or (unset) when every model in the database is a demo model; seed references when a demo model is new.</summary>
    private async Task<(bool Run, bool Seed)> DecideAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var names = await db.Models.Select(m => m.Name).ToListAsync(cancellationToken);
        var demoNames = TrafficSimulator.Models.Select(m => m.Name).ToHashSet();
        var onlyDemo = names.All(demoNames.Contains);
        var seed = !demoNames.All(names.Contains);
        return (options.Value.Enabled == true || onlyDemo, seed);
    }

    private Task WhenStarted(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        cancellationToken.Register(() => started.TrySetCanceled(cancellationToken));
        return started.Task;
    }

    /// <summary>This server's first HTTP address, with a wildcard host replaced by loopback.</summary>
    private Uri? OwnAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var text = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? configuration["urls"]?.Split(';').FirstOrDefault();
        if (text is null)
        {
            return null;
        }

        text = text.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1");
        return Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) ? uri : null;
    }
}

public static class DemoServiceCollectionExtensions
{
    /// <summary>The demo seeder + simulator (Portal:Demo:Enabled) and its in-process API key.</summary>
    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DemoOptions>(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<DemoApiKeyValidator>();
        services.AddSingleton<IApiKeyValidator>(sp => sp.GetRequiredService<DemoApiKeyValidator>());
        services.AddHostedService<DemoService>();
        return services;
    }
}
