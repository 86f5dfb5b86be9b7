using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Streaming;

/// <summary>
/// Reads the values the ingestion writer queued (<see cref="StreamingFeed"/>), feeds each model's detectors
/// (<see cref="StreamDetectors"/>) and stores their signals (<see cref="PossibleDriftRecorder"/>). A failure is
/// logged and the service goes on; the detectors' state lives as long as the process.
/// </summary>
public sealed class StreamingDriftService(
    StreamingFeed feed,
    PossibleDriftRecorder recorder,
    IOptions<StreamingOptions> options,
    ILogger<StreamingDriftService> logger) : BackgroundService
{
    private const int MaxValuesPerRound = 10_000;

    private readonly StreamDetectors detectors = new(options.Value);
    private long processed;
    private long signalCount;
    private volatile bool busy;

    /// <summary>Values fed to the detectors (and their signals stored) since start.</summary>
    public long Processed => Interlocked.Read(ref processed);

    /// <summary>Signals the detectors raised since start, before de-duplication.</summary>
    public long Signals => Interlocked.Read(ref signalCount);

    /// <summary>A round of values taken off the queue is being processed (or its signals stored).</summary>
    public bool Busy => busy;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var signals = new List<DetectorSignal>();
        var reader = feed.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                busy = true;
                var values = 0;
                while (values < MaxValuesPerRound && reader.TryRead(out var sample))
                {
                    detectors.Add(sample, signals);
                    values++;
                }

                if (signals.Count > 0)
                {
                    Interlocked.Add(ref signalCount, signals.Count);
                    // Not cancelled by shutdown: the signals come from accepted data, and a transaction cut short by
                    // the stopping token is logged by EF as a failed transaction.
                    await SaveAsync(signals, CancellationToken.None);
                    signals.Clear();
                }

                Interlocked.Add(ref processed, values);
                busy = false;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the detectors' state goes with the process.
        }
    }

    private async Task SaveAsync(List<DetectorSignal> signals, CancellationToken cancellationToken)
    {
        try
        {
            await recorder.SaveAsync(signals, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Storing {Count} possible-drift signals failed; the detectors go on.", signals.Count);
        }
    }
}
